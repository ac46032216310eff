// Helpers shared by the libFuzzer harnesses in this directory: the input as text, and a
// private temporary file for entry points that read paths (rule files, image archives).
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     std::string_view text = fuzz::as_text(data, size);
//     fuzz::ScratchFile file(text);       // removed when it goes out of scope
//     auto rules = strata::load_rule_files({file.path()});
//   }
//
// Thread safety: libFuzzer runs one input at a time; a ScratchFile is one process's own file.
// Errors: a scratch file that cannot be written aborts (the harness could not test anything).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

class ScratchFile {
 public:
  explicit ScratchFile(std::string_view bytes, const char* suffix = "") {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/strata-fuzz-" + std::to_string(::getpid()) +
            suffix;
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f)) {
      std::perror(path_.c_str());
      std::abort();
    }
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace fuzz
