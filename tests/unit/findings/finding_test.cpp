#include "strata/findings/finding.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

Finding make(const std::string& rule, const std::string& secret, Severity sev, int layer) {
  Finding f;
  f.rule_id = rule;
  f.rule_name = rule;
  f.severity = sev;
  f.secret = SecretValue(secret);
  Location l;
  l.layer_index = layer;
  l.path = "p" + std::to_string(layer);
  f.locations.push_back(l);
  return f;
}

TEST(FindingTest, FingerprintDependsOnRuleAndSecretOnly) {
  std::string secret = std::string("tok") + "en-" + std::string(20, 'q');
  auto a = finding_fingerprint("r.one", SecretValue(secret));
  EXPECT_EQ(a, finding_fingerprint("r.one", SecretValue(secret)));
  EXPECT_NE(a, finding_fingerprint("r.two", SecretValue(secret)));
  EXPECT_NE(a, finding_fingerprint("r.one", SecretValue(secret + "x")));
  EXPECT_EQ(a.size(), 32u);
}

TEST(FindingTest, MergeGroupsSameSecretAndSortsBySeverity) {
  std::vector<Finding> in = {
      make("b.rule", "s1", Severity::kMedium, 2), make("a.rule", "s2", Severity::kCritical, 1),
      make("b.rule", "s1", Severity::kMedium, 0), make("b.rule", "s1", Severity::kMedium, 0)};
  auto out = merge_findings(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rule_id, "a.rule");
  ASSERT_EQ(out[1].locations.size(), 2u);  // the duplicate location is merged
  EXPECT_EQ(out[1].locations[0].layer_index, 0);
  EXPECT_EQ(out[1].locations[1].layer_index, 2);
  EXPECT_FALSE(out[1].fingerprint.empty());
}

TEST(SecretValueTest, RedactsEverywhere) {
  std::string secret = "npm_" + std::string(36, 'Z');
  SecretValue v(secret);
  EXPECT_EQ(v.redacted(), "npm_…(40 chars)");
  EXPECT_EQ(v.redacted().find(std::string(8, 'Z')), std::string::npos);
  EXPECT_EQ(SecretValue("short").redacted(), "…(5 chars)");
  // "パ" is 3 bytes: a 4-byte prefix would cut the second one in half.
  EXPECT_EQ(SecretValue("\xe3\x83\x91\xe3\x83\x91" + std::string(12, 'x')).redacted(),
            "\xe3\x83\x91…(18 chars)");
}

}  // namespace
}  // namespace strata
