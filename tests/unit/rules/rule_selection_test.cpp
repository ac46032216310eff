#include <gtest/gtest.h>

#include <algorithm>

#include "strata/rules/rule.hpp"

namespace strata {
namespace {

Rule make_rule(std::string id, Severity severity = Severity::kHigh) {
  Rule rule;
  rule.id = std::move(id);
  rule.name = rule.id;
  rule.pattern = "x[0-9]{4}";
  rule.severity = severity;
  return rule;
}

RuleSet sample_rules() {
  return RuleSet{{make_rule("aws.access-key-id"), make_rule("generic.password"),
                  make_rule("generic.api-key"), make_rule("github.token"), make_rule("generic")}};
}

std::vector<std::string> ids(const RuleSet& set) {
  std::vector<std::string> out;
  for (const Rule& r : set.rules) out.push_back(r.id);
  return out;
}

TEST(RuleSelectionTest, EmptySelectionKeepsEveryRule) {
  auto selected = select_rules(sample_rules(), {});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(ids(*selected), ids(sample_rules()));
}

TEST(RuleSelectionTest, DisablesAnExactId) {
  auto selected =
      select_rules(sample_rules(), {.only = {}, .disable = {"github.token"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(ids(*selected), (std::vector<std::string>{"aws.access-key-id", "generic.password",
                                                      "generic.api-key", "generic"}));
}

TEST(RuleSelectionTest, TrailingStarDisablesAPrefix) {
  auto selected =
      select_rules(sample_rules(), {.only = {}, .disable = {"generic.*"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  // "generic" itself does not start with "generic.".
  EXPECT_EQ(ids(*selected),
            (std::vector<std::string>{"aws.access-key-id", "github.token", "generic"}));
}

TEST(RuleSelectionTest, OnlyKeepsListedIdsAndGlobsInLoadOrder) {
  auto selected = select_rules(sample_rules(),
                               {.only = {"github.token", "aws.*"}, .disable = {}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(ids(*selected), (std::vector<std::string>{"aws.access-key-id", "github.token"}));
}

TEST(RuleSelectionTest, DisableAppliesAfterOnly) {
  auto selected = select_rules(
      sample_rules(), {.only = {"generic.*"}, .disable = {"generic.api-key"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(ids(*selected), std::vector<std::string>{"generic.password"});
}

TEST(RuleSelectionTest, LoneStarMatchesEveryRule) {
  auto selected = select_rules(sample_rules(), {.only = {}, .disable = {"*"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_TRUE(selected->rules.empty());
}

TEST(RuleSelectionTest, UnknownDisabledIdIsAnErrorNamingIt) {
  auto selected =
      select_rules(sample_rules(), {.only = {}, .disable = {"github.tokne"}, .severity = {}});
  ASSERT_FALSE(selected.has_value());
  EXPECT_NE(selected.error().message.find("github.tokne"), std::string::npos);
}

TEST(RuleSelectionTest, UnknownOnlyIdIsAnError) {
  auto selected = select_rules(
      sample_rules(), {.only = {"github.token", "slack.*"}, .disable = {}, .severity = {}});
  ASSERT_FALSE(selected.has_value());
  EXPECT_NE(selected.error().message.find("slack.*"), std::string::npos);
}

TEST(RuleSelectionTest, UnknownSeverityIdIsAnError) {
  auto selected = select_rules(
      sample_rules(), {.only = {}, .disable = {}, .severity = {{"nope.rule", Severity::kLow}}});
  ASSERT_FALSE(selected.has_value());
  EXPECT_NE(selected.error().message.find("nope.rule"), std::string::npos);
}

TEST(RuleSelectionTest, StarInsideAnIdIsAnError) {
  auto selected =
      select_rules(sample_rules(), {.only = {}, .disable = {"gen*.password"}, .severity = {}});
  ASSERT_FALSE(selected.has_value());
  EXPECT_NE(selected.error().message.find("gen*.password"), std::string::npos);
}

TEST(RuleSelectionTest, IdRemovedByOnlyIsStillKnownToDisable) {
  auto selected = select_rules(sample_rules(),
                               {.only = {"aws.*"}, .disable = {"github.token"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(ids(*selected), std::vector<std::string>{"aws.access-key-id"});
}

TEST(RuleSelectionTest, SeverityOverrideChangesOnlyMatchingRules) {
  auto selected = select_rules(
      sample_rules(), {.only = {}, .disable = {}, .severity = {{"generic.*", Severity::kLow}}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  for (const Rule& r : selected->rules) {
    bool generic_dot = r.id.starts_with("generic.");
    EXPECT_EQ(r.severity, generic_dot ? Severity::kLow : Severity::kHigh) << r.id;
  }
}

TEST(RuleSelectionTest, LaterSeverityOverrideWins) {
  auto selected = select_rules(
      sample_rules(),
      {.only = {},
       .disable = {},
       .severity = {{"generic.*", Severity::kLow}, {"generic.password", Severity::kInfo}}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_EQ(selected->find("generic.password")->severity, Severity::kInfo);
  EXPECT_EQ(selected->find("generic.api-key")->severity, Severity::kLow);
}

TEST(RuleSelectionTest, HashOfTheSelectionDiffersFromTheWholeSet) {
  auto selected =
      select_rules(sample_rules(), {.only = {}, .disable = {"generic.*"}, .severity = {}});
  ASSERT_TRUE(selected.has_value()) << selected.error().message;
  EXPECT_NE(selected->hash(), sample_rules().hash());
}

TEST(SeverityOverrideTest, ParsesIdAndSeverity) {
  auto parsed = parse_severity_override("generic.password=low");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->first, "generic.password");
  EXPECT_EQ(parsed->second, Severity::kLow);
}

TEST(SeverityOverrideTest, RejectsMissingEquals) {
  EXPECT_FALSE(parse_severity_override("generic.password").has_value());
}

TEST(SeverityOverrideTest, RejectsEmptyId) {
  EXPECT_FALSE(parse_severity_override("=low").has_value());
}

TEST(SeverityOverrideTest, RejectsUnknownSeverityNamingTheRule) {
  auto parsed = parse_severity_override("generic.password=urgent");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("generic.password"), std::string::npos);
}

}  // namespace
}  // namespace strata
