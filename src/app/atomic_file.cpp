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

namespace {

// `-o /dev/stdout` (or /dev/fd/1, /proc/self/fd/1) with stdout redirected to a file names that
// regular file: replacing it would cut the shell's redirect off (later output lost, `>>` log
// truncated). Such a target is the file behind one of this process's standard streams.
bool is_standard_stream(const struct stat& target) {
  for (int fd = 0; fd <= 2; ++fd) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_dev == target.st_dev && st.st_ino == target.st_ino) {
      return true;
    }
  }
  return false;
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_path_.empty()) std::remove(temp_path_.c_str());
}

Status AtomicFile::open() {
  // Only a regular file (or a new one) is replaced by rename. A device, FIFO or socket
  // (`-o /dev/null`, `-o /dev/stdout`, a pipe) and the file behind a standard stream are
  // written in place: renaming over /dev/null would replace the device with a regular file.
  // A symlink is followed, so the link stays and the file it names is replaced.
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && (!S_ISREG(st.st_mode) || is_standard_stream(st))) {
    // Appending: a redirect behind /dev/stdout keeps what is already in it (`>> log`).
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) return fail(path_ + ": cannot open for writing: " + std::strerror(errno));
    direct_ = true;
    return {};
  }
  std::error_code ec;
  std::filesystem::path target(path_);
  if (std::filesystem::is_symlink(target, ec)) {
    auto resolved = std::filesystem::weakly_canonical(target, ec);
    if (!ec) target = resolved;
  }
  target_path_ = target.string();
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
  if (direct_) {
    committed_ = true;
    return {};
  }
  // mkstemp creates 0600; a report is an ordinary file.
  mode_t mask = umask(0);
  umask(mask);
  ::chmod(temp_path_.c_str(), 0666 & ~mask);
  int fd = ::open(temp_path_.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temp_path_.c_str(), target_path_.c_str()) != 0) {
    return fail(path_ + ": cannot rename the finished report into place: " + std::strerror(errno));
  }
  committed_ = true;
  return {};
}

}  // namespace strata::app
