#include "store_payload_key.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "strata/core/cache_dir.hpp"
#include "strata/core/sealed_box.hpp"

namespace strata::app {

namespace {

Result<std::string> key_from_hex(std::string_view hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string key;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) break;
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (hex.size() != 2 * SealedBox::kKeyBytes || key.size() != SealedBox::kKeyBytes) {
    return fail("STRATA_STORE_KEY: expected 64 hex digits");  // never echo the value
  }
  return key;
}

// Creates the file only if it does not exist (O_EXCL), so two processes starting at once agree
// on the first key written; the loser reads it.
Status create_key_file(const std::string& path) {
  auto key = SealedBox::random_key();
  if (!key) return fail(key.error());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? Status{} : fail(path + ": cannot create the store key");
  bool written = ::write(fd, key->data(), key->size()) == static_cast<ssize_t>(key->size());
  ::close(fd);
  if (!written) {
    std::filesystem::remove(path);
    return fail(path + ": cannot write the store key");
  }
  return {};
}

}  // namespace

Result<std::string> store_payload_key() {
  if (const char* hex = std::getenv("STRATA_STORE_KEY"); hex && *hex) return key_from_hex(hex);
  std::string dir = cache_dir();
  if (dir.empty()) return fail("caching is off (STRATA_NO_CACHE) and STRATA_STORE_KEY is not set");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = dir + "/store.key";
  if (!std::filesystem::exists(path, ec)) {
    if (auto made = create_key_file(path); !made) return fail(made.error());
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() != SealedBox::kKeyBytes) return fail(path + ": not a store key (32 bytes)");
  return key;
}

}  // namespace strata::app
