// Fuzzes the rule loader (YAML rule files through yaml-cpp, every field's checks) and the
// selection of rules by id glob. The disk cache is off: it would write an entry per input.
#include <cstdint>
#include <cstdlib>

#include "fuzz_input.hpp"
#include "strata/rules/rule.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("STRATA_NO_CACHE", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64 << 10)) return -1;
  fuzz::ScratchFile file(fuzz::as_text(data, size), ".yml");
  auto rules = strata::load_rule_files({file.path()});
  if (!rules) return 0;
  (void)rules->hash();
  strata::RuleSelection selection;
  selection.disable = {"*"};
  (void)strata::select_rules(*rules, selection);
  return 0;
}
