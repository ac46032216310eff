#include "temp_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace strata {

TempFile::~TempFile() { ::unlink(path_.c_str()); }

Result<std::shared_ptr<TempFile>> spool_to_temp_file(int fd, const std::string& dir) {
  std::string base = dir;
  if (base.empty()) {
    const char* env = std::getenv("TMPDIR");
    base = env && *env ? env : "/tmp";
  }
  std::string pattern = base + "/strata-stdin-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int out = ::mkstemp(name.data());
  if (out < 0)
    return fail("spooling stdin: cannot create a file in " + base + ": " + std::strerror(errno));
  auto file = std::make_shared<TempFile>(std::string(name.data()));
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(out);
      return fail(std::string("spooling stdin: read failed: ") + std::strerror(err));
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        int err = errno;
        ::close(out);
        return fail("spooling stdin to " + base + ": write failed: " + std::strerror(err));
      }
      done += w;
    }
  }
  if (::close(out) != 0) {
    return fail("spooling stdin to " + base + ": " + std::strerror(errno));
  }
  return file;
}

}  // namespace strata
