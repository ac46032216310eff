// Writes a file all at once: the content goes to a temporary file in the same directory, which
// is renamed over the target only when complete, so a reader (a CI step, a crashed run) never
// sees half a report. A target that exists and is no regular file (/dev/null, a FIFO) is
// written in place; a symlink is followed.
//
//   AtomicFile f("out.sarif"); f.stream() << ...; Status s = f.commit();
#pragma once

#include <fstream>
#include <string>

#include "strata/core/result.hpp"

namespace strata::app {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status open();
  std::ostream& stream() { return out_; }
  // Flushes, syncs and renames over the target.
  Status commit();

 private:
  std::string path_;
  std::string target_path_;  // path_, or the file a symlink at path_ names
  std::string temp_path_;
  bool direct_ = false;  // writing into path_ itself
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace strata::app
