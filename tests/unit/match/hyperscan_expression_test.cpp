#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "match_engine_impl.hpp"
#include "match_test_support.hpp"

namespace strata {
namespace {

using namespace strata::test;
using Split = std::vector<std::string>;

TEST(SplitShortLeadingLiteral, SpellsOutEachClassMemberAfterATwoByteLiteral) {
  Split out = split_short_leading_literal(R"(\bAC[0-9a-f]{32}:(x))");
  ASSERT_EQ(out.size(), 16u);
  EXPECT_EQ(out[0], R"(\bAC0[0-9a-f]{31}:(x))");
  EXPECT_EQ(out[9], R"(\bAC9[0-9a-f]{31}:(x))");
  EXPECT_EQ(out[15], R"(\bACf[0-9a-f]{31}:(x))");
}

TEST(SplitShortLeadingLiteral, KeepsTheBoundaryAndGroupInFront) {
  Split out = split_short_leading_literal(R"((?:^|[^A-Za-z0-9_+/-])(SK[0-9a-f]{32})\b)");
  ASSERT_EQ(out.size(), 16u);
  EXPECT_EQ(out[10], R"((?:^|[^A-Za-z0-9_+/-])(SKa[0-9a-f]{31})\b)");
  // An alternative in a group of its own, or after the literal's group closes, is shared.
  EXPECT_EQ(split_short_leading_literal("(AB[xy]{3})(?:c|d)").size(), 2u);
  EXPECT_EQ(split_short_leading_literal("AB[xy]{3}(?:c|[|])").size(), 2u);
}

TEST(SplitShortLeadingLiteral, SpellsOutRepeatedMembersOnce) {
  EXPECT_EQ(split_short_leading_literal("AB[aab]{3}").size(), 2u);
  EXPECT_EQ(split_short_leading_literal("AB[a-fc-h]{3}").size(), 8u);
}

TEST(SplitShortLeadingLiteral, AdjustsEveryRepeatForm) {
  EXPECT_EQ(split_short_leading_literal("AB[xy]{3,9}z")[1], "ABy[xy]{2,8}z");
  EXPECT_EQ(split_short_leading_literal("AB[xy]{3,}z")[0], "ABx[xy]{2,}z");
  EXPECT_EQ(split_short_leading_literal("AB[xy]{1,4}z")[0], "ABx[xy]{0,3}z");
  EXPECT_EQ(split_short_leading_literal("AB[xy]{1}z")[0], "ABxz");
  EXPECT_EQ(split_short_leading_literal("AB[xy]z")[1], "AByz");
}

TEST(SplitShortLeadingLiteral, LeavesOtherExpressionsAlone) {
  for (const std::string& e : {
           std::string(R"(\bghp_[A-Za-z0-9]{36})"),  // literal long enough
           std::string("AB[^xy]{3}"),                // negated class
           std::string("AB[0-9A-Za-z]{3}"),          // more than 16 members
           std::string("AB[xy]{0,3}"),               // the class may be absent
           std::string(R"(AB[\w]{3})"),              // not a plain class
           std::string("(?i:fb)[xy]{3}"),            // no plain literal in front
           std::string("[xy]{3}"),
           std::string("AB[xy]{3}|z"),     // z would be reported once per member
           std::string("(AB[xy]{3}|z)"),   // the same inside the literal's group
           std::string("(AB[xy]{3})|z"),   // and after it
           std::string("(AB[xy]{2}){2}"),  // the group repeats: ABxyAByx must still match
           std::string("(AB[xy]){1,3}c"),
           std::string("AB[xy]?c"),     // an optional class
           std::string("AB[xy]{2}?c"),  // a lazy repeat
           std::string("AB[xy]{3,2}"),  // not a valid repeat: the compiler says so
           std::string("AB[0-F]{3}"),   // the range spans :;<=>?@ too
           std::string("AB[Z-a]{3}"),
           std::string("(?:^|[^a]|b)(AB[xy]{3})"),  // not the usual boundary group
       }) {
    EXPECT_EQ(split_short_leading_literal(e), Split{e}) << e;
  }
}

// The split rule finds what the rule as written finds, at any chunk size.
TEST(SplitShortLeadingLiteral, TheSplitRuleMatchesAsWritten) {
  auto engine = compile_rules({make_rule(
      "t.pair", R"(\bAC[0-9a-f]{32}['"]?\s{0,3}[:,]\s{0,3}['"]?(?P<secret>[0-9a-f]{32})\b)")});
  ASSERT_TRUE(engine);
  std::string hex = "0123456789abcdef";
  std::string text;
  std::vector<std::string> secrets;
  for (char first : hex) {
    std::string sid = std::string("A") + "C" + first + hex + hex.substr(0, 15);
    std::string secret = hex.substr(3) + hex.substr(0, 3) + hex.substr(5) + hex.substr(0, 5);
    secret[0] = first;
    text += "client('" + sid + "', '" + secret + "')\n";
    secrets.push_back(secret);
    text += "ACg" + hex + hex.substr(0, 15) + ":" + secret + "\n";  // not hex after AC
  }
  FileScanner scanner(*engine);
  for (size_t chunk : {size_t(7), size_t(64), size_t(0)}) {
    auto matches = scan_chunked(scanner, text, chunk);
    ASSERT_EQ(matches.size(), secrets.size()) << "chunk " << chunk;
    for (size_t i = 0; i < secrets.size(); ++i) EXPECT_EQ(matches[i].secret, secrets[i]);
  }
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

TEST(ToHyperscanExpression, RelaxesWideRepeatsOfNarrowAtomsOnly) {
  auto relaxed = [](std::string_view p) {
    return to_hyperscan_expression(p, RepeatForm::kRelaxWide);
  };
  EXPECT_EQ(relaxed("(?P<s>[a-z]{8,2000})x"), "([a-z]{8,})x");
  EXPECT_EQ(relaxed("[A-Za-z0-9_-]{20,500}"), "[A-Za-z0-9_-]{20,}");
  EXPECT_EQ(relaxed("[a-z]{1,64}"), "[a-z]{1,64}");  // not wide
  // A repeat of "." or of a negated class or escape could then run over anything.
  EXPECT_EQ(relaxed(R"(a[^\n]{1,120}b)"), R"(a[^\n]{1,120}b)");
  EXPECT_EQ(relaxed("a.{1,120}b"), "a.{1,120}b");
  EXPECT_EQ(relaxed(R"(a\S{1,120}b)"), R"(a\S{1,120}b)");
  EXPECT_EQ(relaxed(R"(a\w{1,120}b)"), R"(a\w{1,}b)");
  EXPECT_EQ(to_hyperscan_expression("[a-z]{8,2000}", RepeatForm::kExact), "[a-z]{8,2000}");
}

}  // namespace
}  // namespace strata
