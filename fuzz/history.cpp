// Fuzzes a history step's created_by: the classification (RUN, COPY, ENV, ARG, #(nop) forms,
// BuildKit's "|N KEY=value" build-arg prefix, secret mounts, classic COPY "file:<sha> in /x").
#include <cstdint>

#include "fuzz_input.hpp"
#include "strata/image/history_step.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64 << 10)) return -1;
  std::string_view created_by = fuzz::as_text(data, size);
  strata::HistoryStep step = strata::parse_history_step(created_by);
  (void)step.writes_files();
  // Remediation cuts values out of created_by by these offsets: they must lie inside it.
  for (const auto& arg : step.build_args) {
    if (arg.value_offset + arg.value.size() > created_by.size()) __builtin_trap();
  }
  return 0;
}
