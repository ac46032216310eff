#include <gtest/gtest.h>

#include "strata/rules/rule.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TempDir;
using test::write_file;

Result<RuleSet> load_with(const std::string& extra) {
  TempDir dir;
  write_file(dir.path() + "/rules.yml",
             "rules:\n  - id: t.token\n    name: n\n    pattern: 'x[0-9]{4}'\n"
             "    severity: low\n" +
                 extra);
  return load_rule_files({dir.path() + "/rules.yml"});
}

TEST(ChecksumFieldTest, DefaultsToNone) {
  auto set = load_with("");
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->rules[0].checksum, ChecksumKind::kNone);
}

TEST(ChecksumFieldTest, ParsesCrc32Base62Last6) {
  auto set = load_with("    checksum: crc32-base62-last6\n");
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->rules[0].checksum, ChecksumKind::kCrc32Base62Last6);
}

TEST(ChecksumFieldTest, UnknownKindIsAnErrorNamingRuleAndField) {
  auto set = load_with("    checksum: md5\n");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("t.token"), std::string::npos);
  EXPECT_NE(set.error().message.find("checksum"), std::string::npos);
}

TEST(ChecksumFieldTest, TakesPartInTheHash) {
  auto plain = load_with("");
  auto with = load_with("    checksum: crc32-base62-last6\n");
  ASSERT_TRUE(plain.has_value() && with.has_value());
  EXPECT_NE(plain->hash(), with->hash());
}

TEST(ChecksumFieldTest, NamesRoundTrip) {
  for (ChecksumKind kind : {ChecksumKind::kNone, ChecksumKind::kCrc32Base62Last6}) {
    auto parsed = parse_checksum_kind(checksum_kind_name(kind));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, kind);
  }
}

TEST(ValidationStateTest, HasStableNames) {
  EXPECT_STREQ(validation_state_name(ValidationState::kNotApplicable), "not-applicable");
  EXPECT_STREQ(validation_state_name(ValidationState::kValid), "valid");
  EXPECT_STREQ(validation_state_name(ValidationState::kInvalid), "invalid");
}

TEST(ShippedRulesTest, GithubAndNpmTokensCarryTheChecksum) {
  auto set = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  for (const char* id : {"github.token", "npm.access-token"}) {
    const Rule* rule = set->find(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->checksum, ChecksumKind::kCrc32Base62Last6) << id;
  }
}

TEST(ChecksumFieldTest, ParsesJwtWithExpectations) {
  auto set = load_with("    checksum: jwt\n    expect:\n      iss: '^sup'\n      role: x\n");
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->rules[0].checksum, ChecksumKind::kJwt);
  EXPECT_EQ(set->rules[0].expect, (std::vector<std::string>{"iss=^sup", "role=x"}));
  auto other = load_with("    checksum: jwt\n    expect:\n      iss: '^other'\n");
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(set->hash(), other->hash());
}

TEST(ChecksumFieldTest, ExpectNeedsAStructuredKindAndValidRegexes) {
  auto without = load_with("    expect:\n      iss: x\n");
  ASSERT_FALSE(without.has_value());
  EXPECT_NE(without.error().message.find("needs checksum jwt or base64-json"), std::string::npos);
  auto bad = load_with("    checksum: base64-json\n    expect:\n      type: '(['\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("type: invalid regex"), std::string::npos);
  auto list = load_with("    checksum: jwt\n    expect: [a, b]\n");
  EXPECT_FALSE(list.has_value());
}

}  // namespace
}  // namespace strata
