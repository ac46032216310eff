// How overlapping matches of several rules on the same bytes are resolved (match_resolver.cpp),
// seen through FileScanner: provider rules, generic rules and allow patterns.
#include <gtest/gtest.h>

#include <string>

#include "match_test_support.hpp"

namespace strata {
namespace {

using namespace strata::test;

// k=VALUE; the value is the secret.
constexpr const char* kPattern = R"(\bk=(?P<secret>[a-z0-9]{6,12})\b)";

Rule generic_rule(std::string id, std::vector<std::string> allow = {}) {
  Rule rule = make_rule(std::move(id), kPattern);
  rule.generic = true;
  rule.allow = std::move(allow);
  return rule;
}

Rule provider_rule(std::vector<std::string> allow = {}) {
  Rule rule = make_rule("t.provider", kPattern);
  rule.allow = std::move(allow);
  return rule;
}

// A longer match of the same rule that falls below its entropy floor (the real value followed
// by filler) must not displace the real match; filler on its own is still reported, marked.
TEST(MatchResolverTest, FillerBelowTheEntropyFloorNeverDisplacesARealMatch) {
  Rule rule = make_rule("t.tail", R"(\bv=(?P<secret>[a-z0-9]{8,40}))");
  rule.min_entropy = 2.9;
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string real = "x7k2m9q4";
  auto found = scanner.scan("v=" + real + std::string(30, 'a') + " ");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].below_entropy_floor);
  EXPECT_TRUE(found[0].secret.starts_with(real)) << found[0].secret;
  auto filler = scanner.scan("v=" + std::string(30, 'a') + " ");
  ASSERT_EQ(filler.size(), 1u);
  EXPECT_TRUE(filler[0].below_entropy_floor);
  EXPECT_EQ(filler[0].secret, std::string(30, 'a'));
}

TEST(MatchResolverTest, ReportedProviderMatchHidesGenericMatch) {
  auto engine = compile_rules({generic_rule("t.generic"), provider_rule()});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k=abc123");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_index, rule_index(*engine, "t.provider"));
}

TEST(MatchResolverTest, AllowedProviderMatchLeavesTheBytesToGenericRules) {
  auto engine = compile_rules({generic_rule("t.generic"), provider_rule({"^abc"})});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k=abc123");
  ASSERT_EQ(found.size(), 2u);
  for (const SecretMatch& m : found) {
    bool is_provider = m.rule_index == rule_index(*engine, "t.provider");
    EXPECT_EQ(m.allowed_by.has_value(), is_provider);
  }
}

TEST(MatchResolverTest, FirstListedGenericRuleKeepsASharedSecret) {
  auto engine = compile_rules({generic_rule("t.first"), generic_rule("t.second")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k=abc123");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_index, rule_index(*engine, "t.first"));
}

TEST(MatchResolverTest, GenericRuleThatAllowsYieldsToOneThatReports) {
  auto engine = compile_rules({generic_rule("t.strict", {"^abc"}), generic_rule("t.weak")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k=abc123");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_index, rule_index(*engine, "t.weak"));
  EXPECT_FALSE(found[0].allowed_by);
}

TEST(MatchResolverTest, GenericMatchesAllowedByEveryRuleStayVisible) {
  auto engine =
      compile_rules({generic_rule("t.first", {"^abc"}), generic_rule("t.second", {"123$"})});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k=abc123");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(found[0].allowed_by);
  EXPECT_TRUE(found[1].allowed_by);
}

TEST(MatchResolverTest, SameResultsAtEveryChunkSize) {
  auto engine = compile_rules(
      {generic_rule("t.strict", {"^abc"}), generic_rule("t.weak"), provider_rule({"^zz"})});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string text = "k=abc123\nk=zz9999\nk=q1w2e3r4\n";
  auto whole = keys(scanner.scan(text));
  EXPECT_EQ(whole.size(), 4u);
  for (size_t chunk : {1u, 2u, 7u, 4096u}) {
    EXPECT_EQ(keys(scan_chunked(scanner, text, chunk)), whole) << "chunk " << chunk;
  }
}

}  // namespace
}  // namespace strata
