// The keyword-context rules' two stages (src/match/context_rules.hpp): which rules take them,
// and that they find exactly what the same rules find as Hyperscan expressions of their own.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "context_rules.hpp"
#include "match_engine_impl.hpp"
#include "match_test_support.hpp"

namespace strata {
namespace {

using namespace strata::test;
using match_detail::context_shape;
using match_detail::context_trigger;

constexpr std::string_view kOperator = R"([\s'"]{0,3}(?::=|=>|[:=])[\s'"]{0,3})";

std::string context_pattern(std::string_view vendor, std::string_view keyword,
                            std::string_view value) {
  return "(?i:" + std::string(vendor) + R"()[\w.-]{0,25}(?i:)" + std::string(keyword) +
         R"()[\w.-]{0,5})" + std::string(kOperator) + "(?P<secret>" + std::string(value) + ")\\b";
}

TEST(ContextShape, TakesVendorKeywordAndOperator) {
  auto shape =
      context_shape(make_rule("t.a", context_pattern("acme|\\bac", "key|token", "[a-f0-9]{32}")));
  ASSERT_TRUE(shape);
  ASSERT_EQ(shape->heads.size(), 1u);
  EXPECT_EQ(shape->heads[0].vendor, "acme|\\bac");
  EXPECT_EQ(shape->heads[0].keyword, "key|token");
  EXPECT_EQ(shape->heads[0].gap, 5u);
  EXPECT_TRUE(shape->heads[0].head.ends_with("(?::=|=>|[:=])"));
  EXPECT_EQ(shape->rest, "");
  // Several groups between vendor and operator: the last is the keyword.
  auto several = context_shape(
      make_rule("t.b", R"((?i:acme)[\w.-]{0,20}(?i:api)[\w.-]{0,3}(?i:key)[\w.-]{0,5})" +
                           std::string(kOperator) + "(?P<secret>[a-f0-9]{32})"));
  ASSERT_TRUE(several);
  EXPECT_EQ(several->heads[0].keyword, "key");
}

TEST(ContextShape, KeepsTheOtherAlternativesAsAnExpression) {
  std::string head = R"((?i:acme)[\w.-]{0,25}(?i:key)[\w.-]{0,5})" + std::string(kOperator);
  auto shape = context_shape(make_rule(
      "t.url",
      "(?:" + head + R"(|api\.acme\.io/[^\s"']{0,100}[?&]key=)(?P<secret>[a-f0-9]{32})\b)"));
  ASSERT_TRUE(shape);
  ASSERT_EQ(shape->heads.size(), 1u);
  EXPECT_TRUE(head.starts_with(shape->heads[0].head));
  EXPECT_TRUE(shape->heads[0].head.ends_with("(?::=|=>|[:=])"));
  EXPECT_EQ(shape->rest, R"((?:api\.acme\.io/[^\s"']{0,100}[?&]key=)(?P<secret>[a-f0-9]{32})\b)");
  // Every alternative a head: no expression of its own.
  auto both = context_shape(make_rule("t.two", "(?:" + head + "|" + head + ")x"));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->heads.size(), 2u);
  EXPECT_EQ(both->rest, "");
  // A repeated group, or no head among the alternatives: not taken.
  EXPECT_FALSE(context_shape(make_rule("t.rep", "(?:" + head + "|zz){2}x")));
  EXPECT_FALSE(context_shape(make_rule("t.none", "(?:ab|cd)x")));
}

TEST(ContextShape, LeavesOtherRulesToHyperscan) {
  // A keyword whose words are common in code would make the trigger fire everywhere.
  EXPECT_FALSE(context_shape(make_rule("t.pat", context_pattern("acme", "pat|token", "x{8}"))));
  EXPECT_FALSE(context_shape(make_rule("t.id", context_pattern("acme", "app[_.-]?id", "x{8}"))));
  // The vendor must be found in the identifier before the operator: a keyword that can match
  // a space or any byte would hide it.
  EXPECT_FALSE(context_shape(make_rule("t.sp", context_pattern("acme", "api key", "x{8}"))));
  EXPECT_FALSE(context_shape(make_rule("t.dot", context_pattern("acme", "k.y", "x{8}"))));
  // A top-level alternative after the operator matches without it.
  EXPECT_FALSE(context_shape(make_rule("t.alt", context_pattern("acme", "key", "x{8}") + "|zz")));
  // No keyword group, another operator form, no pattern: their own expressions.
  EXPECT_FALSE(context_shape(
      make_rule("t.kless", "(?i:acme_key)" + std::string(kOperator) + "(?P<secret>[a-f0-9]{32})")));
  EXPECT_FALSE(context_shape(
      make_rule("t.op", R"((?i:acme)[\w.-]{0,25}(?i:key)\s{0,24}=(?P<secret>[a-f0-9]{32}))")));
  Rule builtin = make_rule("t.builtin", "");
  builtin.builtin = true;
  EXPECT_FALSE(context_shape(builtin));
}

TEST(ContextTrigger, CoversEveryKeywordAndTheWidestGap) {
  auto a = context_shape(make_rule("t.a", context_pattern("acme", "key", "x{8}")));
  auto b = context_shape(make_rule(
      "t.b", R"((?i:bolt)[\w.-]{0,25}(?i:secret|token)[\w.-]{0,12}["']?\s{0,4}(?:=>|:=|=|:)x)"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(context_trigger({a->heads[0], b->heads[0]}),
            R"((?i:(?:key)|(?:secret|token))[\w.-]{0,12}[\s'"]{0,5}(?::=|=>|[:=]))");
}

class ContextStageTest : public ::testing::Test {
 protected:
  static std::shared_ptr<const MatchEngine> compile(MatchOptions options) {
    auto rules = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
    EXPECT_TRUE(rules.has_value());
    if (!rules) return nullptr;
    auto engine = MatchEngine::compile(std::move(*rules), options);
    EXPECT_TRUE(engine.has_value()) << (engine ? "" : engine.error().message);
    return engine ? *engine : nullptr;
  }
};

// Each shipped rule's examples and negative examples, in several surroundings (one per line,
// run together on one line, inside code), scanned by the two-stage engine and by the same
// rules as expressions of their own: the same matches, of every rule, at any chunking.
TEST_F(ContextStageTest, FindsWhatEachRuleFindsAlone) {
  auto two_stage = compile({});
  auto single = compile(MatchOptions{.context_stage = false});
  ASSERT_TRUE(two_stage && single);
  ASSERT_GT(two_stage->impl().context.rules.size(), 500u);
  EXPECT_TRUE(single->impl().context.rules.empty());
  FileScanner a(*two_stage);
  FileScanner b(*single);
  size_t compared = 0;
  for (const Rule& rule : two_stage->rules().rules) {
    std::vector<std::string> texts(rule.negative_examples);
    for (const auto& example : rule.examples) texts.push_back(example.text);
    std::string lines, run_together, in_code;
    for (const std::string& text : texts) {
      lines += text + "\n";
      run_together += text + " ";
      in_code += "const config = {" + text + "}; if (a.key === b) { token: x };\n";
    }
    for (const std::string* text : {&lines, &run_together, &in_code}) {
      auto expected = keys(b.scan(*text));
      compared += expected.size();
      for (size_t chunk : {size_t{0}, size_t{7}, size_t{4096}}) {
        EXPECT_EQ(keys(scan_chunked(a, *text, chunk)), expected) << rule.id << ", chunk " << chunk;
      }
    }
  }
  EXPECT_GT(compared, 5000u);
}

// Two assignments of one rule on one line, a trigger whose vendor sits in another identifier,
// and an operator at the end of the file.
TEST(ContextStageScan, FindsEachAssignmentOfItsOwn) {
  auto engine =
      compile_rules({make_rule("t.acme", context_pattern("acme", "key", "[a-f0-9]{32}"))});
  ASSERT_TRUE(engine);
  ASSERT_EQ(engine->impl().context.rules.size(), 1u);
  std::string v1 = "0123456789abcdef0123456789abcdef";
  std::string v2 = "fedcba9876543210fedcba9876543210";
  FileScanner scanner(*engine);
  auto both = scanner.scan("ACME_KEY=" + v1 + " acme.key: '" + v2 + "'");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].secret, v1);
  EXPECT_EQ(both[1].secret, v2);
  EXPECT_TRUE(scanner.scan("acme = 1; key = " + v1).empty());
  EXPECT_TRUE(scanner.scan("ACME_KEY=").empty());
}

// What a one-rule engine finds in `text`, the rule a keyword-context rule with `vendor`.
std::vector<SecretMatch> scan_with_vendor(const std::string& vendor, const std::string& text) {
  auto engine =
      compile_rules({make_rule("t.vendor", context_pattern(vendor, "key", "[a-f0-9]{32}"))});
  if (!engine) return {};
  EXPECT_EQ(engine->impl().context.rules.size(), 1u) << vendor;
  FileScanner scanner(*engine);
  return scanner.scan(text);
}

// Hyperscan has no named groups: a vendor group holding one is rewritten like any expression.
TEST(ContextStageScan, AVendorWithANamedGroupCompiles) {
  std::string value = std::string("0123456789abcdef") + "0123456789abcdef";
  EXPECT_EQ(scan_with_vendor("(?P<v>acme)", "ACME_KEY=" + value).size(), 1u);
}

// A vendor group that can match nothing is valid in its rule; the vendor database must take it.
TEST(ContextStageScan, AVendorGroupThatCanBeEmptyStillCompilesAndMatches) {
  std::string value = std::string("0123456789abcdef") + "0123456789abcdef";
  EXPECT_EQ(scan_with_vendor("acme|", "KEY=" + std::string(32, 'a') + "\nx_key: " + value).size(),
            2u);
}

}  // namespace
}  // namespace strata
