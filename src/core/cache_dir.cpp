#include "strata/core/cache_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/core/digest.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTemporaryMark = ".tmp-";

// Keeps the newest kCacheEntriesPerKind entries of `entry`'s kind (its name up to the first
// '-'; a name without one is no kind and left alone) and removes stale temporary files of
// that kind. Every error is ignored: another process may be pruning the same directory.
void prune_kind_of(const fs::path& entry) {
  std::string name = entry.filename().string();
  size_t dash = name.find('-');
  if (dash == std::string::npos) return;
  std::string kind = name.substr(0, dash + 1);
  auto now = fs::file_time_type::clock::now();
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  std::error_code ec;
  for (fs::directory_iterator it(entry.parent_path(), ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string other = it->path().filename().string();
    std::error_code file_ec;
    if (!other.starts_with(kind) || !it->is_regular_file(file_ec)) continue;
    fs::file_time_type used = it->last_write_time(file_ec);
    if (file_ec) continue;
    if (other.find(kTemporaryMark) == std::string::npos) {
      entries.emplace_back(used, it->path());
    } else if (now - used > std::chrono::minutes(kStaleTemporaryMinutes)) {
      fs::remove(it->path(), file_ec);
    }
  }
  if (entries.size() <= kCacheEntriesPerKind) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.first > b.first;  // most recently used first
  });
  for (size_t i = kCacheEntriesPerKind; i < entries.size(); ++i) {
    if (entries[i].second != entry) fs::remove(entries[i].second, ec);
  }
}

}  // namespace

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

std::string shipped_cache_dir() {
  if (const char* off = std::getenv("STRATA_NO_CACHE"); off && *off && std::string(off) != "0") {
    return "";
  }
  if (const char* dir = std::getenv("STRATA_COMPILED_RULES_DIR"); dir && *dir) return dir;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "" : (exe.parent_path() / "compiled-rules").string();
}

void write_cache_file(const std::string& path, std::string_view magic, std::string_view payload) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + std::string(kTemporaryMark) + "XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return;
  std::string file = std::string(magic) + sha256_of(payload).hex + "\n";
  file.append(payload);
  bool ok = ::write(fd, file.data(), file.size()) == static_cast<ssize_t>(file.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return;
  }
  prune_kind_of(path);
}

std::optional<std::string> read_cache_file(const std::string& path, std::string_view magic) {
  std::optional<std::string> file = read_whole_file(path);
  size_t header = magic.size() + 65;  // magic, 64 hex digits, newline
  if (!file || file->size() < header || !file->starts_with(magic)) return std::nullopt;
  std::string_view payload = std::string_view(*file).substr(header);
  if (file->compare(magic.size(), 65, sha256_of(payload).hex + "\n") != 0) return std::nullopt;
  file->erase(0, header);
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // used now: pruned last (may fail: read-only)
  return file;
}

}  // namespace strata
