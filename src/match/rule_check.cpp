#include "strata/match/rule_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "strata/core/secret_value.hpp"

namespace strata {

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0.0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0.0;
  const double total = static_cast<double>(text.size());
  for (size_t n : counts) {
    if (n == 0) continue;
    double p = static_cast<double>(n) / total;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

std::vector<RuleCheckFailure> check_rule_examples(const MatchEngine& engine) {
  std::vector<RuleCheckFailure> failures;
  FileScanner scanner(engine);
  const auto& rules = engine.rules().rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    if (rule.builtin) continue;  // no pattern to try: the scan's own tests cover these
    auto report = [&](std::string message) {
      failures.push_back(RuleCheckFailure{rule.id, std::move(message)});
    };
    // A regex limit leaves an example undecided: a failure, never a quiet pass.
    auto report_problems = [&](const std::string& label) {
      for (const std::string& problem : scanner.problems()) {
        report(label + ": not fully checked: " + problem);
      }
    };
    if (rule.examples.empty()) report("has no examples");
    if (rule.negative_examples.empty()) report("has no negative examples");
    for (size_t e = 0; e < rule.examples.size(); ++e) {
      const RuleExample& example = rule.examples[e];
      std::string label = "example " + std::to_string(e + 1);
      std::vector<SecretMatch> found;
      for (auto& m : scanner.scan(example.text)) {
        if (m.rule_index == i && !m.suppressed()) found.push_back(std::move(m));
      }
      report_problems(label);
      if (found.empty()) {
        report(label + ": not matched");
        continue;
      }
      if (!example.secret) continue;
      bool exact = std::ranges::any_of(
          found, [&](const SecretMatch& m) { return m.secret == *example.secret; });
      if (!exact) {
        report(label + ": secret " + SecretValue(found.front().secret).redacted() +
               " differs from the expected " + SecretValue(*example.secret).redacted());
      }
    }
    for (size_t e = 0; e < rule.negative_examples.size(); ++e) {
      std::string label = "negative example " + std::to_string(e + 1);
      for (const auto& m : scanner.scan(rule.negative_examples[e])) {
        if (m.rule_index == i && !m.suppressed()) {
          report(label + ": matched " + SecretValue(m.secret).redacted());
          break;
        }
      }
      report_problems(label);
    }
  }
  return failures;
}

}  // namespace strata
