// Fuzzes the Dockerfile parser the remediation uses: directives, continuations, heredocs,
// stages, flags, and the stage lookup by name or index.
#include "strata/remediation/dockerfile.hpp"

#include <cstdint>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256 << 10)) return -1;
  auto dockerfile = strata::parse_dockerfile(fuzz::as_text(data, size));
  if (!dockerfile) return 0;
  for (const auto& stage : dockerfile->stages) {
    (void)dockerfile->find_stage(stage.name);
    for (const auto& instruction : stage.instructions) {
      (void)instruction.flag("from");
      (void)instruction.exec_form();
    }
  }
  (void)dockerfile->find_stage("0");
  return 0;
}
