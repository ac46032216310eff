// TempFile: a file made with mkstemp and unlinked when the last owner lets go; stdin is spooled
// into one so that archives (which need random access) can be read from a pipe.
//
//   auto spooled = spool_to_temp_file(STDIN_FILENO, options.temp_dir);   // Result<shared_ptr>
//
// Thread safety: immutable once written. Errors name the directory and the errno text.
#pragma once

#include <memory>
#include <string>

#include "strata/core/result.hpp"

namespace strata {

class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Copies everything readable from `fd` into a new temp file in `dir` (empty: $TMPDIR, else /tmp).
Result<std::shared_ptr<TempFile>> spool_to_temp_file(int fd, const std::string& dir);

}  // namespace strata
