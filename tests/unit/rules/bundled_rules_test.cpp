// The bundled catalogue's own standard: every rule carries at least two examples and one
// negative example (what `strata rules check` runs), and ids name a provider and a kind.
#include <gtest/gtest.h>

#include "strata/rules/rule.hpp"

namespace strata {
namespace {

TEST(BundledRulesTest, EveryRuleHasTwoExamplesAndANegativeOne) {
  auto set = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  ASSERT_GT(set->rules.size(), 900u);
  for (const Rule& rule : set->rules) {
    EXPECT_GE(rule.examples.size(), 2u) << rule.id << " (" << rule.source_file << ")";
    EXPECT_GE(rule.negative_examples.size(), 1u) << rule.id << " (" << rule.source_file << ")";
    EXPECT_NE(rule.id.find('.'), std::string::npos) << rule.id << ": ids are provider.kind";
  }
}

}  // namespace
}  // namespace strata
