#include "temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace strata {
namespace {

std::string temp_dir_or_default(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* env = std::getenv("TMPDIR");
  return env && *env ? env : "/tmp";
}

// mkstemp and unlink at once: the name exists for a moment only, for file systems (older
// overlayfs, NFS) that refuse O_TMPFILE.
int create_then_unlink(const std::string& dir) {
  std::string pattern = dir + "/strata-spool-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.data());
  return fd;
}

// Reads a file descriptor (a pipe) as a stream; the caller keeps the descriptor.
class FdStream final : public ByteStream {
 public:
  explicit FdStream(int fd) : fd_(fd) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return fail(std::string("read failed: ") + std::strerror(errno));
    }
  }

 private:
  int fd_;
};

Status write_all(int fd, const char* data, size_t size) {
  for (size_t done = 0; done < size;) {
    ssize_t w = ::write(fd, data + done, size - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return fail(std::string("write failed: ") + std::strerror(errno));
    done += static_cast<size_t>(w);
  }
  return {};
}

}  // namespace

TempFile::TempFile(int fd) : fd_(fd), path_("/proc/self/fd/" + std::to_string(fd)) {}

TempFile::~TempFile() { ::close(fd_); }

Result<std::shared_ptr<TempFile>> create_temp_file(const std::string& dir) {
  std::string base = temp_dir_or_default(dir);
  int fd = ::open(base.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    fd = create_then_unlink(base);
  }
  if (fd < 0) return fail("cannot create a file in " + base + ": " + std::strerror(errno));
  auto file = std::make_shared<TempFile>(fd);
  // The readers open path(): without /proc they could not, so say so now rather than later.
  if (::access(file->path().c_str(), R_OK) != 0) {
    return fail("cannot reopen a temporary file through /proc/self/fd (is /proc mounted?)");
  }
  return file;
}

Result<std::shared_ptr<TempFile>> spool_to_temp_file(ByteStream& in, const std::string& dir,
                                                     const std::string& what) {
  auto file = create_temp_file(dir);
  if (!file) return fail("spooling " + what + ": " + file.error().message);
  std::vector<char> buf(1 << 16);
  for (;;) {
    auto n = in.read(buf.data(), buf.size());
    if (!n) return fail("spooling " + what + ": " + n.error().message);
    if (*n == 0) break;
    if (auto w = write_all((*file)->fd(), buf.data(), *n); !w) {
      return fail("spooling " + what + " to " + temp_dir_or_default(dir) + ": " +
                  w.error().message);
    }
  }
  return file;
}

Result<std::shared_ptr<TempFile>> spool_to_temp_file(int fd, const std::string& dir,
                                                     const std::string& what) {
  FdStream in(fd);
  return spool_to_temp_file(in, dir, what);
}

}  // namespace strata
