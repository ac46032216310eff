#include "strata/findings/finding.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "strata/core/digest.hpp"
#include "strata/findings/fingerprint.hpp"

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

// The derivations docs/triage.md#fingerprints documents, computed here from their parts.
std::string material(const std::string& version, const std::string& rule,
                     const std::string& secret) {
  return version + std::string(1, '\0') + rule + std::string(1, '\0') + secret;
}

std::string plain_fingerprint(const std::string& rule, const std::string& secret) {
  return sha256_of(material("strata/v1", rule, secret)).hex.substr(0, 32);
}

std::string pbkdf2_fingerprint(const std::string& rule, const std::string& secret) {
  std::string password = material("strata/v2", rule, secret);
  std::string salt = "strata/fingerprint/pbkdf2-sha256/v2";
  unsigned char out[16];
  EXPECT_EQ(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()),
                              static_cast<int>(salt.size()), 1000, EVP_sha256(), sizeof out, out),
            1);
  std::string hex;
  for (unsigned char b : out) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  return hex;
}

TEST(FindingTest, ShortSecretFingerprintIsNotAPlainHash) {
  // A weak password: a dictionary pass over sha256 fingerprints would find it at once.
  std::string secret = std::string("kit") + "ty22";
  std::string fp = finding_fingerprint("generic.password", SecretValue(secret));
  EXPECT_NE(fp, plain_fingerprint("generic.password", secret));
  EXPECT_EQ(fp, pbkdf2_fingerprint("generic.password", secret));
  EXPECT_TRUE(is_fingerprint(fp));
}

TEST(FindingTest, FifteenBytesIsShortSixteenIsNot) {
  std::string fifteen = std::string("pass") + std::string(11, 'w');
  std::string sixteen = fifteen + "w";
  EXPECT_EQ(finding_fingerprint("r", SecretValue(fifteen)), pbkdf2_fingerprint("r", fifteen));
  EXPECT_EQ(finding_fingerprint("r", SecretValue(sixteen)), plain_fingerprint("r", sixteen));
}

// strata derives short-secret fingerprints with its own PBKDF2 (precomputed HMAC states, for
// speed): every published fingerprint must stay what OpenSSL's PKCS5_PBKDF2_HMAC gives, for any
// secret bytes and any rule id, including ids long enough that the HMAC key (the material) is
// longer than SHA-256's 64-byte block and is hashed first.
TEST(FindingTest, ShortSecretFingerprintIsOpenSslsPbkdf2ForAnyInput) {
  std::mt19937 random(20261127);
  for (size_t rule_size : {1u, 20u, 49u, 50u, 51u, 64u, 120u}) {
    std::string rule(rule_size, 'r');
    for (char& c : rule) c = static_cast<char>('a' + random() % 26);
    for (size_t secret_size = 0; secret_size < 16; ++secret_size) {
      std::string secret(secret_size, '\0');
      for (char& c : secret) c = static_cast<char>(random() % 256);
      EXPECT_EQ(finding_fingerprint(rule, SecretValue(secret)), pbkdf2_fingerprint(rule, secret))
          << "rule id of " << rule_size << " bytes, secret of " << secret_size;
    }
  }
}

TEST(FindingTest, LongSecretFingerprintStaysTheCheapPlainHash) {
  // Tokens are long and random: a plain hash is safe, and existing baselines keep matching.
  std::string secret = std::string("gh") + "p_" + std::string(36, 'k');
  EXPECT_EQ(finding_fingerprint("github.pat", SecretValue(secret)),
            plain_fingerprint("github.pat", secret));
}

TEST(FindingTest, ShortSecretFingerprintDependsOnTheRule) {
  std::string secret = std::string("adm") + "in1";
  EXPECT_NE(finding_fingerprint("a.rule", SecretValue(secret)),
            finding_fingerprint("b.rule", SecretValue(secret)));
}

// `short_count` short secrets (slow fingerprints) and one long token.
std::vector<Finding> short_secrets_and_a_token(int short_count) {
  std::vector<Finding> in;
  for (int i = 0; i < short_count; ++i) {
    in.push_back(
        make("generic.password", std::string("pw") + std::to_string(i), Severity::kLow, 1));
  }
  in.push_back(
      make("github.pat", std::string("gh") + "p_" + std::string(36, 'z'), Severity::kHigh, 2));
  return in;
}

TEST(FindingTest, MergeFingerprintsShortSecretsInParallelAlike) {
  std::vector<Finding> in = short_secrets_and_a_token(9);
  auto out = merge_findings(in);
  ASSERT_EQ(out.size(), in.size());
  for (const Finding& f : out) {
    EXPECT_EQ(f.fingerprint, finding_fingerprint(f.rule_id, f.secret)) << f.rule_id;
  }
}

TEST(FindingTest, ShortSecretsPastTheCapGetOneOffFingerprintsAndAreCounted) {
  std::vector<Finding> in = short_secrets_and_a_token(3);
  MergeStats stats;
  auto out = merge_findings(in, &stats, 2);
  EXPECT_EQ(stats.unmatched_fingerprints, 1u);
  size_t stable = 0;
  for (const Finding& f : out) {
    if (f.fingerprint == finding_fingerprint(f.rule_id, f.secret)) ++stable;
  }
  EXPECT_EQ(stable, 3u);  // two short secrets under the cap and the long one
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

// A secret file (.env) is escalated in a layer where a rule also matched inside it: whichever
// layer's finding comes first, the merged finding keeps the worst severity and confidence.
TEST(FindingTest, MergeKeepsTheHighestSeverityAndConfidenceInAnyOrder) {
  Finding plain = make("secret-file.env", "app/.env", Severity::kMedium, 1);
  plain.confidence = Confidence::kMedium;
  plain.secret_is_path = true;
  Finding escalated = make("secret-file.env", "app/.env", Severity::kCritical, 3);
  escalated.confidence = Confidence::kHigh;
  escalated.secret_is_path = true;
  for (bool escalated_first : {false, true}) {
    std::vector<Finding> in = escalated_first ? std::vector<Finding>{escalated, plain}
                                              : std::vector<Finding>{plain, escalated};
    auto out = merge_findings(in);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].severity, Severity::kCritical) << "escalated first: " << escalated_first;
    EXPECT_EQ(out[0].confidence, Confidence::kHigh) << "escalated first: " << escalated_first;
    EXPECT_EQ(out[0].locations.size(), 2u);
  }
}

Finding with_location(const std::string& secret, const Location& l) {
  Finding f;
  f.rule_id = "npm.access-token";
  f.secret = SecretValue(secret);
  f.locations.push_back(l);
  return f;
}

Location layer_file(int index, const std::string& digest_char, const std::string& path) {
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.platform = "linux/amd64";
  l.layer_index = index;
  l.layer_digest = "sha256:" + std::string(64, digest_char[0]);
  l.path = path;
  return l;
}

Location history(int step, const std::string& created_by) {
  Location l;
  l.kind = LocationKind::kConfig;
  l.platform = "linux/amd64";
  l.config_location = "history[" + std::to_string(step) + "].created_by";
  l.history_step = step;
  l.created_by = created_by;
  return l;
}

std::string location_fp(const std::string& secret, const Location& l) {
  auto merged = merge_findings({with_location(secret, l)});
  return merged.at(0).locations.at(0).fingerprint;
}

TEST(LocationFingerprintTest, EveryMergedLocationHasOne) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'a');
  auto merged = merge_findings({with_location(secret, layer_file(1, "a", "root/.npmrc")),
                                with_location(secret, history(3, "RUN npm ci"))});
  ASSERT_EQ(merged.size(), 1u);
  ASSERT_EQ(merged[0].locations.size(), 2u);
  for (const Location& l : merged[0].locations) EXPECT_EQ(l.fingerprint.size(), 32u);
  EXPECT_NE(merged[0].locations[0].fingerprint, merged[0].locations[1].fingerprint);
}

TEST(LocationFingerprintTest, LayerFileIgnoresLayerDigestAndIndex) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'b');
  EXPECT_EQ(location_fp(secret, layer_file(2, "a", "root/.npmrc")),
            location_fp(secret, layer_file(5, "c", "/root/.npmrc")));
}

TEST(LocationFingerprintTest, LayerFileDependsOnPathAndSecret) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'c');
  std::string base = location_fp(secret, layer_file(2, "a", "root/.npmrc"));
  EXPECT_NE(base, location_fp(secret, layer_file(2, "a", "app/.npmrc")));
  EXPECT_NE(base, location_fp(secret + "x", layer_file(2, "a", "root/.npmrc")));
}

TEST(LocationFingerprintTest, HistoryIgnoresStepIndexAndBuildArgValues) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'd');
  std::string a =
      location_fp(secret, history(4, "|2 NPM_TOKEN=" + secret + " V=1 /bin/sh -c npm ci"));
  std::string b =
      location_fp(secret, history(7, "|2 NPM_TOKEN=" + secret + " V=2 /bin/sh -c npm ci"));
  EXPECT_EQ(a, b);
}

TEST(LocationFingerprintTest, HistoryDependsOnTheCommand) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'e');
  EXPECT_NE(location_fp(secret, history(4, "|1 NPM_TOKEN=" + secret + " /bin/sh -c npm ci")),
            location_fp(secret, history(4, "|1 NPM_TOKEN=" + secret + " /bin/sh -c npm test")));
}

TEST(LocationFingerprintTest, OtherConfigStringsUseTheirJsonPath) {
  std::string secret = std::string("npm") + "_" + std::string(36, 'f');
  Location env;
  env.kind = LocationKind::kConfig;
  env.config_location = "config.Env[1]";
  Location label = env;
  label.config_location = "config.Labels.token";
  EXPECT_NE(location_fp(secret, env), location_fp(secret, label));
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
