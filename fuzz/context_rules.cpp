// Fuzzes what the match module reads out of a rule's pattern text before any regex engine sees
// it: the keyword-context shape and its trigger (context_rules.hpp), and the rewriting of the
// pattern for Hyperscan (named groups, wide repeats, short leading literals). A user's own
// rule files reach all of them.
#include "context_rules.hpp"

#include <cstdint>
#include <string>

#include "fuzz_input.hpp"
#include "match_engine_impl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (16 << 10)) return -1;
  strata::Rule rule;
  rule.id = "fuzz.rule";
  rule.pattern = fuzz::as_text(data, size);
  if (auto shape = strata::match_detail::context_shape(rule)) {
    (void)strata::match_detail::context_trigger(shape->heads);
  }
  std::string relaxed =
      strata::to_hyperscan_expression(rule.pattern, strata::RepeatForm::kRelaxWide);
  (void)strata::to_hyperscan_expression(rule.pattern, strata::RepeatForm::kExact);
  (void)strata::split_short_leading_literal(relaxed);
  return 0;
}
