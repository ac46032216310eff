// TempFile: a private temporary file that has no name on disk. It is made with O_TMPFILE (or
// mkstemp and an immediate unlink where the file system lacks O_TMPFILE), mode 0600, so nothing
// is left behind on any exit, SIGKILL included. It is reached through its open descriptor:
// path() is "/proc/self/fd/N", which this process can open again as often as it likes (each
// open has its own offset, so layers may read it from several threads). Archives arriving as a
// stream (stdin, a daemon's image export) are spooled into one because the archive readers
// need random access.
//
//   auto spooled = spool_to_temp_file(stream, options.temp_dir, "docker-daemon:app:1");
//   open_file((*spooled)->path(), ...);          // keep the shared_ptr as long as it is read
//
// Thread safety: immutable once written. Errors name what is spooled, the directory and the
// errno text; never the /proc path.
#pragma once

#include <memory>
#include <string>

#include "strata/core/byte_stream.hpp"
#include "strata/core/result.hpp"

namespace strata {

class TempFile {
 public:
  explicit TempFile(int fd);  // takes ownership of an open, already nameless file
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string path_;
};

// A new nameless read-write file in `dir` (empty: $TMPDIR, else /tmp).
Result<std::shared_ptr<TempFile>> create_temp_file(const std::string& dir);

// Copies everything `in` yields into a new temp file in `dir` (as above); `what` names the
// stream in errors ("stdin", "docker-daemon:app:1").
Result<std::shared_ptr<TempFile>> spool_to_temp_file(ByteStream& in, const std::string& dir,
                                                     const std::string& what);

// The same for a file descriptor (a pipe: stdin).
Result<std::shared_ptr<TempFile>> spool_to_temp_file(int fd, const std::string& dir,
                                                     const std::string& what);

}  // namespace strata
