// Fuzzes the ignore-file reader (line and YAML forms, selectors, expiry dates) and its globs:
// the first line of the input is matched as a path and a rule id against every entry.
#include "strata/findings/ignore_file.hpp"

#include <cstdint>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64 << 10)) return -1;
  std::string_view text = fuzz::as_text(data, size);
  auto file = strata::IgnoreFile::parse(text, ".strataignore");
  if (!file) return 0;
  std::string_view subject = text.substr(0, text.find('\n'));
  for (const auto& entry : file->entries) {
    (void)strata::Glob::path(entry.path).matches(subject);
    (void)strata::Glob::rule(entry.rule).matches(subject);
    if (entry.expires) (void)strata::format_date(*entry.expires);
  }
  return 0;
}
