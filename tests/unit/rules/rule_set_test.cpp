#include <gtest/gtest.h>

#include "strata/rules/rule.hpp"

namespace strata {
namespace {

Rule make_rule(std::string id, std::string pattern) {
  Rule rule;
  rule.id = std::move(id);
  rule.name = "name of " + rule.id;
  rule.pattern = std::move(pattern);
  return rule;
}

RuleSet two_rules() {
  return RuleSet{{make_rule("a.one", "a[0-9]{4}"), make_rule("b.two", "b[0-9]{4}")}};
}

TEST(RuleSetHashTest, HasSha256Form) {
  std::string hash = two_rules().hash();
  ASSERT_EQ(hash.size(), 7u + 64u);
  EXPECT_EQ(hash.substr(0, 7), "sha256:");
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef", 7), std::string::npos);
}

TEST(RuleSetHashTest, IsStable) { EXPECT_EQ(two_rules().hash(), two_rules().hash()); }

TEST(RuleSetHashTest, IgnoresRuleOrder) {
  RuleSet reversed = two_rules();
  std::swap(reversed.rules[0], reversed.rules[1]);
  EXPECT_EQ(reversed.hash(), two_rules().hash());
}

TEST(RuleSetHashTest, ChangesWhenAPatternChanges) {
  RuleSet changed = two_rules();
  changed.rules[1].pattern = "b[0-9]{5}";
  EXPECT_NE(changed.hash(), two_rules().hash());
}

TEST(RuleSetHashTest, ChangesWhenAPrefilterIsSetOrChanges) {
  RuleSet with = two_rules();
  with.rules[1].prefilter = "[a-z][0-9]{4}";
  EXPECT_NE(with.hash(), two_rules().hash());
  RuleSet other = with;
  other.rules[1].prefilter = "[a-z][0-9]{3,4}";
  EXPECT_NE(other.hash(), with.hash());
}

TEST(RuleSetHashTest, ChangesWhenMatchingOptionsChange) {
  RuleSet base = two_rules();
  for (int field = 0; field < 5; ++field) {
    RuleSet changed = two_rules();
    Rule& r = changed.rules[0];
    if (field == 0) r.min_entropy = 3.0;
    if (field == 1) r.case_insensitive = true;
    if (field == 2) r.generic = true;
    if (field == 3) r.allow = {"^x"};
    if (field == 4) r.secret_group = "token";
    EXPECT_NE(changed.hash(), base.hash()) << "field " << field;
  }
}

TEST(RuleSetHashTest, FieldBoundariesCannotBeForged) {
  RuleSet a{{make_rule("a.one", "ab")}};
  a.rules[0].allow = {"c", "d"};
  RuleSet b{{make_rule("a.one", "ab")}};
  b.rules[0].allow = {"c\nd"};
  EXPECT_NE(a.hash(), b.hash());
}

TEST(RuleSetHashTest, IgnoresPresentationFields) {
  RuleSet renamed = two_rules();
  renamed.rules[0].name = "another name";
  renamed.rules[0].description = "words";
  EXPECT_EQ(renamed.hash(), two_rules().hash());
}

}  // namespace
}  // namespace strata
