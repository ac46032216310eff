#include "atomic_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace strata::app {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_path_.empty()) std::remove(temp_path_.c_str());
}

Status AtomicFile::open() {
  std::filesystem::path target(path_);
  std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
  std::string pattern = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = mkstemp(pattern.data());
  if (fd < 0) {
    return fail(path_ + ": cannot create a temporary file in " + dir.string() + ": " +
                std::strerror(errno));
  }
  ::close(fd);
  temp_path_ = pattern;
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) return fail(path_ + ": cannot open " + temp_path_ + " for writing");
  return {};
}

Status AtomicFile::commit() {
  out_.flush();
  if (!out_) return fail(path_ + ": write failed");
  out_.close();
  // mkstemp creates 0600; a report is an ordinary file.
  mode_t mask = umask(0);
  umask(mask);
  ::chmod(temp_path_.c_str(), 0666 & ~mask);
  int fd = ::open(temp_path_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return fail(path_ + ": cannot rename the finished report into place: " + std::strerror(errno));
  }
  committed_ = true;
  return {};
}

}  // namespace strata::app
