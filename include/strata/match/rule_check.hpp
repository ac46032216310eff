// Checks every rule's examples against the compiled engine: each example must yield a match
// of that rule with a non-empty secret (equal to the example's stated secret, if any); each
// negative example must yield no match of that rule.
//
//   auto failures = check_rule_examples(engine);   // empty when all is well
#pragma once

#include <string>
#include <vector>

#include "strata/match/match_engine.hpp"

namespace strata {

struct RuleCheckFailure {
  std::string rule_id;
  std::string message;  // never contains the example's secret in full
};

std::vector<RuleCheckFailure> check_rule_examples(const MatchEngine& engine);

// Shannon entropy in bits per character.
double shannon_entropy(std::string_view text);

}  // namespace strata
