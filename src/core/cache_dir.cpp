#include "strata/core/cache_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "strata/core/byte_stream.hpp"
#include "strata/core/digest.hpp"

namespace strata {

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

void write_cache_file(const std::string& path, std::string_view magic, std::string_view payload) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string tmp = path + ".XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return;
  std::string file = std::string(magic) + sha256_of(payload).hex + "\n";
  file.append(payload);
  bool ok = ::write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

std::optional<std::string> read_cache_file(const std::string& path, std::string_view magic) {
  std::optional<std::string> file = read_whole_file(path);
  size_t header = magic.size() + 65;  // magic, 64 hex digits, newline
  if (!file || file->size() < header || !file->starts_with(magic)) return std::nullopt;
  std::string_view payload = std::string_view(*file).substr(header);
  if (file->compare(magic.size(), 65, sha256_of(payload).hex + "\n") != 0) return std::nullopt;
  file->erase(0, header);
  return file;
}

}  // namespace strata
