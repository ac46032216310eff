// Fuzzes the baseline reader: a previous strata report, JSON or SARIF, read as a stream of
// fingerprints and suppression kinds.
#include "strata/findings/baseline.hpp"

#include <cstdint>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256 << 10)) return -1;
  auto baseline = strata::Baseline::parse(fuzz::as_text(data, size), "previous.json");
  (void)baseline;
  return 0;
}
