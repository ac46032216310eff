#include "strata/match/rule_check.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata {
namespace {

std::shared_ptr<const MatchEngine> compile_or_die(RuleSet set) {
  auto engine = MatchEngine::compile(std::move(set));
  EXPECT_TRUE(engine.has_value()) << (engine ? "" : engine.error().message);
  return engine ? *engine : nullptr;
}

Rule digits_rule() {
  Rule rule;
  rule.id = "test.digits";
  rule.name = "digits";
  rule.pattern = R"(\bid-(?P<secret>[0-9]{6})\b)";
  rule.examples = {RuleExample{"x id-123456 y", std::string("123456")}};
  rule.negative_examples = {"id-12345"};
  return rule;
}

TEST(RuleCheckTest, ShippedPatternsPassTheirExamples) {
  auto rules = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  ASSERT_FALSE(rules->rules.empty());
  auto engine = compile_or_die(std::move(*rules));
  ASSERT_TRUE(engine);
  for (const auto& failure : check_rule_examples(*engine)) {
    ADD_FAILURE() << failure.rule_id << ": " << failure.message;
  }
}

TEST(RuleCheckTest, PassingRuleHasNoFailures) {
  auto engine = compile_or_die(RuleSet{{digits_rule()}});
  ASSERT_TRUE(engine);
  EXPECT_TRUE(check_rule_examples(*engine).empty());
}

TEST(RuleCheckTest, ReportsExampleThatDoesNotMatch) {
  Rule rule = digits_rule();
  rule.examples.push_back(RuleExample{"id-12", std::nullopt});
  auto engine = compile_or_die(RuleSet{{rule}});
  ASSERT_TRUE(engine);
  auto failures = check_rule_examples(*engine);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].rule_id, "test.digits");
  EXPECT_NE(failures[0].message.find("example 2"), std::string::npos);
}

// PCRE2 gives up on this negative example (its greedy alternation is tried every way over a
// run as long as the widest match): the example is undecided, which must not pass quietly.
TEST(RuleCheckTest, ReportsNegativeExampleThePcre2LimitLeftUndecided) {
  Rule rule;
  rule.id = "test.backtrack";
  rule.name = "backtrack";
  rule.pattern = "(?:a|aa){1,40}b";
  rule.examples = {RuleExample{"ab", std::nullopt}};
  rule.negative_examples = {std::string(80, 'a') + "b"};
  auto engine = compile_or_die(RuleSet{{rule}});
  ASSERT_TRUE(engine);
  auto failures = check_rule_examples(*engine);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures[0].message.starts_with(
      "negative example 1: not fully checked: rule test.backtrack: 1 candidate(s) not confirmed "
      "(PCRE2: match limit exceeded)"))
      << failures[0].message;
}

TEST(RuleCheckTest, ReportsWrongSecretWithoutRevealingIt) {
  Rule rule = digits_rule();
  rule.examples = {RuleExample{"id-987654", std::string("987655")}};
  auto engine = compile_or_die(RuleSet{{rule}});
  ASSERT_TRUE(engine);
  auto failures = check_rule_examples(*engine);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].message.find("987654"), std::string::npos);
  EXPECT_EQ(failures[0].message.find("987655"), std::string::npos);
}

TEST(RuleCheckTest, ReportsNegativeExampleThatMatches) {
  Rule rule = digits_rule();
  rule.negative_examples.push_back("id-555555");
  auto engine = compile_or_die(RuleSet{{rule}});
  ASSERT_TRUE(engine);
  auto failures = check_rule_examples(*engine);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].message.find("negative example 2"), std::string::npos);
}

TEST(RuleCheckTest, ReportsRuleWithoutExamples) {
  Rule rule = digits_rule();
  rule.examples.clear();
  rule.negative_examples.clear();
  auto engine = compile_or_die(RuleSet{{rule}});
  ASSERT_TRUE(engine);
  EXPECT_EQ(check_rule_examples(*engine).size(), 2u);
}

TEST(ShannonEntropyTest, EmptyAndUniformAreZero) {
  EXPECT_EQ(shannon_entropy(""), 0.0);
  EXPECT_EQ(shannon_entropy(std::string(50, 'a')), 0.0);
}

TEST(ShannonEntropyTest, DistinctSymbolsGiveLog2OfCount) {
  EXPECT_DOUBLE_EQ(shannon_entropy("ab"), 1.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abcdefgh"), 3.0);
  EXPECT_NEAR(shannon_entropy("aab"),
              -(2.0 / 3 * std::log2(2.0 / 3) + 1.0 / 3 * std::log2(1.0 / 3)), 1e-12);
}

}  // namespace
}  // namespace strata
