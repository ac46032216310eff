#include "database_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strata/core/digest.hpp"

namespace fs = std::filesystem;

namespace strata::match_detail {

namespace {

constexpr std::string_view kMagic = "STRATA-HSDB1\n";

std::string cache_dir() {
  if (const char* off = std::getenv("STRATA_NO_CACHE"); off && *off && std::string(off) != "0") {
    return "";
  }
  if (const char* dir = std::getenv("STRATA_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/strata";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/strata";
  }
  return "";
}

// The CPU features Hyperscan compiles for: a database built for AVX-512 must not be loaded
// on a machine without it.
std::string platform_key() {
  hs_platform_info_t platform{};
  hs_populate_platform(&platform);
  return std::to_string(platform.tune) + "/" + std::to_string(platform.cpu_features);
}

}  // namespace

DatabaseCache::DatabaseCache(const std::string& key_material) : dir_(cache_dir()) {
  if (dir_.empty()) return;
  std::string key = std::string(hs_version()) + "\n" + platform_key() + "\n" + key_material;
  path_ = dir_ + "/hs-" + sha256_of(key).hex.substr(0, 32) + ".db";
}

HsDatabasePtr DatabaseCache::load() const {
  if (path_.empty()) return nullptr;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string file = ss.str();
  // magic, 64 hex digits of the payload's sha256, newline, payload
  size_t header = kMagic.size() + 65;
  if (file.size() <= header || !file.starts_with(kMagic)) return nullptr;
  std::string_view payload = std::string_view(file).substr(header);
  if (file.substr(kMagic.size(), 64) != sha256_of(payload).hex) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(payload.data(), payload.size(), &db) != HS_SUCCESS) return nullptr;
  return HsDatabasePtr(db);
}

void DatabaseCache::store(const hs_database_t* db) const {
  if (path_.empty()) return;
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) return;
  std::string payload(bytes, size);
  std::free(bytes);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  std::string tmp = path_ + ".XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return;
  std::string file = std::string(kMagic) + sha256_of(payload).hex + "\n" + payload;
  bool ok = ::write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace strata::match_detail
