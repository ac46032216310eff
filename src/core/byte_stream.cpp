#include "strata/core/byte_stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace strata {

Result<size_t> MemoryStream::read(char* buffer, size_t capacity) {
  size_t n = std::min(capacity, data_.size() - pos_);
  std::memcpy(buffer, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

namespace {

// Shares nothing but the path; each stream owns its descriptor and reads with pread.
class FileRangeStream final : public ByteStream {
 public:
  FileRangeStream(int fd, std::string path, int64_t offset, int64_t length)
      : fd_(fd), path_(std::move(path)), pos_(offset), end_(offset + length) {}
  ~FileRangeStream() override { ::close(fd_); }

  Result<size_t> read(char* buffer, size_t capacity) override {
    size_t want = static_cast<size_t>(std::min<int64_t>(capacity, end_ - pos_));
    if (want == 0) return size_t{0};
    for (;;) {
      ssize_t n = ::pread(fd_, buffer, want, pos_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(path_ + ": read failed: " + std::strerror(errno));
      if (n == 0) return fail(path_ + ": file ended early (truncated?)");
      pos_ += n;
      return static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  std::string path_;
  int64_t pos_;
  int64_t end_;
};

}  // namespace

Result<std::unique_ptr<ByteStream>> open_file_stream(const std::string& path, int64_t offset,
                                                     int64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(path + ": " + std::strerror(err));
  }
  if (length < 0) length = std::max<int64_t>(0, st.st_size - offset);
  return std::unique_ptr<ByteStream>(new FileRangeStream(fd, path, offset, length));
}

Result<std::string> read_all(ByteStream& stream, size_t max_bytes) {
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = stream.read(buf, sizeof buf);
    if (!n) return fail(n.error());
    if (*n == 0) return out;
    if (out.size() + *n > max_bytes) {
      return fail("larger than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, *n);
  }
}

std::optional<std::string> read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::string out;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) out.resize(static_cast<size_t>(std::max<off_t>(st.st_size, 0)));
  size_t got = 0;
  while (ok) {
    if (got == out.size()) out.resize(std::max<size_t>(out.size() * 2, 4096));  // it grew
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  out.resize(got);
  return out;
}

}  // namespace strata
