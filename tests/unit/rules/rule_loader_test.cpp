#include <gtest/gtest.h>

#include "strata/rules/rule.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TempDir;
using test::write_file;

constexpr const char* kValidFile = R"(rules:
  - id: test.token
    name: Test token
    description: A token for tests.
    pattern: '\b(?P<secret>tk_[a-z0-9]{8})\b'
    prefilter: '\b[a-z_]{3}[a-z0-9]{8}\b'
    min_entropy: 2.5
    severity: critical
    confidence: low
    generic: true
    case_insensitive: true
    categories: [a, b]
    references: [https://example.invalid/doc]
    allow: ['^tk_0']
    examples:
      - 'plain example'
      - text: 'map example'
        secret: the-secret
    negative_examples: ['nope']
)";

std::string rule_yaml(const std::string& id, const std::string& extra = "") {
  return "  - id: " + id + "\n    name: n\n    pattern: 'x[0-9]{4}'\n    severity: low\n" + extra;
}

Result<RuleSet> load_one(const std::string& content) {
  TempDir dir;
  write_file(dir.path() + "/rules.yml", content);
  return load_rule_files({dir.path() + "/rules.yml"});
}

TEST(RuleLoaderTest, ParsesEveryField) {
  auto set = load_one(kValidFile);
  ASSERT_TRUE(set.has_value()) << set.error().message;
  ASSERT_EQ(set->rules.size(), 1u);
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.id, "test.token");
  EXPECT_EQ(r.name, "Test token");
  EXPECT_EQ(r.description, "A token for tests.");
  EXPECT_EQ(r.pattern, R"(\b(?P<secret>tk_[a-z0-9]{8})\b)");
  EXPECT_EQ(r.prefilter, R"(\b[a-z_]{3}[a-z0-9]{8}\b)");
  EXPECT_DOUBLE_EQ(r.min_entropy, 2.5);
  EXPECT_EQ(r.severity, Severity::kCritical);
  EXPECT_EQ(r.confidence, Confidence::kLow);
  EXPECT_TRUE(r.generic);
  EXPECT_TRUE(r.case_insensitive);
  EXPECT_EQ(r.categories, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.references.size(), 1u);
  EXPECT_EQ(r.allow, std::vector<std::string>{"^tk_0"});
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_EQ(r.examples[0].text, "plain example");
  EXPECT_FALSE(r.examples[0].secret.has_value());
  EXPECT_EQ(r.examples[1].text, "map example");
  EXPECT_EQ(r.examples[1].secret, std::optional<std::string>("the-secret"));
  EXPECT_EQ(r.negative_examples, std::vector<std::string>{"nope"});
  EXPECT_NE(r.source_file.find("rules.yml"), std::string::npos);
}

TEST(RuleLoaderTest, AppliesDefaults) {
  auto set = load_one("rules:\n" + rule_yaml("test.defaults"));
  ASSERT_TRUE(set.has_value()) << set.error().message;
  const Rule& r = set->rules[0];
  EXPECT_EQ(r.secret_group, "secret");
  EXPECT_EQ(r.min_entropy, 0.0);
  EXPECT_EQ(r.confidence, Confidence::kMedium);
  EXPECT_FALSE(r.generic);
  EXPECT_FALSE(r.case_insensitive);
  EXPECT_TRUE(r.prefilter.empty());
}

TEST(RuleLoaderTest, DirectoryLoadsYamlFilesInNameOrder) {
  TempDir dir;
  write_file(dir.path() + "/b.yml", "rules:\n" + rule_yaml("test.b"));
  write_file(dir.path() + "/a.yaml", "rules:\n" + rule_yaml("test.a"));
  write_file(dir.path() + "/notes.txt", "not rules");
  auto set = load_rule_files({dir.path()});
  ASSERT_TRUE(set.has_value()) << set.error().message;
  ASSERT_EQ(set->rules.size(), 2u);
  EXPECT_EQ(set->rules[0].id, "test.a");
  EXPECT_EQ(set->rules[1].id, "test.b");
  EXPECT_NE(set->find("test.b"), nullptr);
  EXPECT_EQ(set->find("test.c"), nullptr);
}

TEST(RuleLoaderTest, MissingFieldNamesFileRuleAndField) {
  auto set = load_one("rules:\n  - id: test.nopattern\n    name: n\n    severity: low\n");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("rules.yml"), std::string::npos);
  EXPECT_NE(set.error().message.find("test.nopattern"), std::string::npos);
  EXPECT_NE(set.error().message.find("'pattern'"), std::string::npos);
}

TEST(RuleLoaderTest, MissingIdNamesRulePosition) {
  auto set = load_one("rules:\n" + rule_yaml("test.ok") +
                      "  - name: n\n    pattern: 'y[0-9]{2}'\n    severity: low\n");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("rule #2"), std::string::npos);
  EXPECT_NE(set.error().message.find("'id'"), std::string::npos);
}

TEST(RuleLoaderTest, DuplicateIdAcrossFilesNamesBothFiles) {
  TempDir dir;
  write_file(dir.path() + "/one.yml", "rules:\n" + rule_yaml("test.same"));
  write_file(dir.path() + "/two.yml", "rules:\n" + rule_yaml("test.same"));
  auto set = load_rule_files({dir.path()});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("duplicate"), std::string::npos);
  EXPECT_NE(set.error().message.find("one.yml"), std::string::npos);
  EXPECT_NE(set.error().message.find("two.yml"), std::string::npos);
  EXPECT_NE(set.error().message.find("test.same"), std::string::npos);
}

// Files are parsed in parallel, but errors come as reading them in order would give them:
// the first problem in the first file that has one, whichever kind it is.
TEST(RuleLoaderTest, TheFirstProblemInFileOrderIsReported) {
  TempDir dir;
  write_file(dir.path() + "/a.yml", "rules:\n" + rule_yaml("test.one") + rule_yaml("test.one") +
                                        "  - name: no-id\n    pattern: 'y'\n    severity: low\n");
  write_file(dir.path() + "/b.yml", "rules: [");
  auto set = load_rule_files({dir.path()});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("duplicate id"), std::string::npos) << set.error().message;

  write_file(dir.path() + "/a.yml", "rules:\n" + rule_yaml("test.one"));
  set = load_rule_files({dir.path()});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("b.yml: invalid YAML"), std::string::npos)
      << set.error().message;
}

TEST(RuleLoaderTest, UnknownSeverityNamesRule) {
  auto set = load_one(
      "rules:\n  - id: test.sev\n    name: n\n    pattern: 'x[0-9]{4}'\n    "
      "severity: severe\n");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("test.sev"), std::string::npos);
  EXPECT_NE(set.error().message.find("severity"), std::string::npos);
}

TEST(RuleLoaderTest, UnknownFieldIsRejected) {
  auto set = load_one("rules:\n" + rule_yaml("test.typo", "    secret_grop: s\n"));
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("secret_grop"), std::string::npos);
}

TEST(RuleLoaderTest, BadYamlNamesTheFile) {
  auto set = load_one("rules:\n  - id: [unclosed\n");
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("rules.yml"), std::string::npos);
  EXPECT_NE(set.error().message.find("YAML"), std::string::npos);
}

TEST(RuleLoaderTest, MissingFileIsAnError) {
  auto set = load_rule_files({"/nonexistent/strata-rules.yml"});
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("/nonexistent/strata-rules.yml"), std::string::npos);
}

TEST(RuleLoaderTest, InvalidIdIsRejected) {
  auto set = load_one("rules:\n" + rule_yaml("Test Upper"));
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("id must be"), std::string::npos);
}

TEST(RuleLoaderTest, BadMinEntropyIsRejected) {
  auto set = load_one("rules:\n" + rule_yaml("test.entropy", "    min_entropy: lots\n"));
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("min_entropy"), std::string::npos);
}

TEST(RuleLoaderTest, ExampleMapWithoutTextIsRejected) {
  auto set = load_one("rules:\n" + rule_yaml("test.ex", "    examples:\n      - secret: s\n"));
  ASSERT_FALSE(set.has_value());
  EXPECT_NE(set.error().message.find("examples"), std::string::npos);
}

TEST(RuleNamesTest, SeverityRoundTrips) {
  for (Severity s :
       {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    auto parsed = parse_severity(severity_name(s));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(parse_severity("HIGH").has_value());
}

TEST(RuleNamesTest, ConfidenceRoundTrips) {
  for (Confidence c : {Confidence::kLow, Confidence::kMedium, Confidence::kHigh}) {
    auto parsed = parse_confidence(confidence_name(c));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_FALSE(parse_confidence("certain").has_value());
}

}  // namespace
}  // namespace strata
