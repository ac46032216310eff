// The offline checksum of GitHub and npm tokens. Expected values are computed here, with
// zlib's crc32 and a base62 encoder written for the test, not by the code under test.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <string>

#include "match_test_support.hpp"
#include "strata/match/secret_validator.hpp"

namespace strata {
namespace {

using test::random_alnum;

// Most significant digit first, alphabet 0-9A-Za-z, zero-padded to six digits.
std::string test_base62(uint32_t value) {
  const std::string digits =
      "0123456789" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "abcdefghijklmnopqrstuvwxyz";
  std::string reversed;
  do {
    reversed.push_back(digits[value % 62]);
    value /= 62;
  } while (value != 0);
  std::string out(reversed.rbegin(), reversed.rend());
  return std::string(6 - std::min<size_t>(6, out.size()), '0') + out;
}

uint32_t test_crc(const std::string& text) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

std::string with_checksum(const std::string& prefix, const std::string& random30) {
  return prefix + random30 + test_base62(test_crc(random30));
}

std::string github_token(uint32_t seed, const std::string& kind = "p") {
  return with_checksum(std::string("gh") + kind + "_", random_alnum(30, seed));
}

std::string npm_token(uint32_t seed) {
  return with_checksum(std::string("np") + "m_", random_alnum(30, seed));
}

Rule checksum_rule() {
  Rule rule = test::make_rule("t.token", "x");
  rule.checksum = ChecksumKind::kCrc32Base62Last6;
  return rule;
}

// Flips one character to a different base62 character.
std::string altered(std::string token, size_t at) {
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

TEST(TestBase62Test, EncodesKnownValues) {
  EXPECT_EQ(test_base62(0), "000000");
  EXPECT_EQ(test_base62(61), "00000z");
  EXPECT_EQ(test_base62(62), "000010");
}

TEST(ChecksumTest, ValidGithubTokensOfEveryKind) {
  for (const char* kind : {"p", "o", "u", "s", "r"}) {
    for (uint32_t seed = 1; seed <= 20; ++seed) {
      std::string token = github_token(seed, kind);
      ASSERT_EQ(token.size(), 40u);
      EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, token), ValidationState::kValid)
          << "gh" << kind << " seed " << seed;
    }
  }
}

TEST(ChecksumTest, ValidNpmToken) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, npm_token(seed)),
              ValidationState::kValid)
        << "seed " << seed;
  }
}

TEST(ChecksumTest, ChecksumThatNeedsZeroPaddingIsValid) {
  // About one body in 62 has a CRC below 62^5, whose base62 form needs a leading zero.
  std::string token;
  for (uint32_t seed = 1; seed < 100000 && token.empty(); ++seed) {
    std::string body = random_alnum(30, seed);
    if (test_crc(body) < 916132832u) token = with_checksum(std::string("np") + "m_", body);
  }
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(token[34], '0');
  EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, token), ValidationState::kValid);
}

TEST(ChecksumTest, ChangedRandomCharacterIsInvalid) {
  std::string token = github_token(7);
  EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, altered(token, 10)),
            ValidationState::kInvalid);
}

TEST(ChecksumTest, ChangedCheckCharacterIsInvalid) {
  std::string token = npm_token(8);
  EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, altered(token, 39)),
            ValidationState::kInvalid);
}

TEST(ChecksumTest, RandomLookingTokenWithoutChecksumIsInvalid) {
  // Like most hand-made fakes: 36 random characters (its last 6 match by chance 1 in 62^6).
  std::string token = std::string("gh") + "p_" + random_alnum(36, 99);
  EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, token), ValidationState::kInvalid);
}

TEST(ChecksumTest, TooShortToCarryAChecksumIsInvalid) {
  EXPECT_EQ(check_checksum(ChecksumKind::kCrc32Base62Last6, "ab_12345"), ValidationState::kInvalid);
}

TEST(ChecksumTest, RuleWithoutChecksumIsNotApplicable) {
  EXPECT_EQ(check_checksum(ChecksumKind::kNone, github_token(3)), ValidationState::kNotApplicable);
}

TEST(SecretValidatorTest, ReportsStateAndADetailWithoutTheSecret) {
  std::string token = github_token(4);
  ValidationResult valid = checksum_validator().validate(checksum_rule(), token);
  EXPECT_EQ(valid.state, ValidationState::kValid);
  EXPECT_FALSE(valid.detail.empty());
  EXPECT_EQ(valid.detail.find(token.substr(4, 30)), std::string::npos);
  ValidationResult invalid = checksum_validator().validate(checksum_rule(), altered(token, 12));
  EXPECT_EQ(invalid.state, ValidationState::kInvalid);
  EXPECT_NE(invalid.detail, valid.detail);
}

// The shipped GitHub and npm token rules alone (compiling every shipped rule is slow), once.
std::shared_ptr<const MatchEngine> token_engine() {
  static const std::shared_ptr<const MatchEngine> kEngine =
      []() -> std::shared_ptr<const MatchEngine> {
    auto rules = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
    if (!rules) return nullptr;
    auto selected =
        select_rules(std::move(*rules),
                     {.only = {"github.token", "npm.access-token"}, .disable = {}, .severity = {}});
    if (!selected) return nullptr;
    auto engine = MatchEngine::compile(std::move(*selected));
    return engine ? *engine : nullptr;
  }();
  return kEngine;
}

// The engine fills SecretMatch::checksum after confirm, at every chunk size.
class EngineChecksumTest : public ::testing::TestWithParam<size_t> {};

TEST_P(EngineChecksumTest, MatchesCarryTheirChecksumState) {
  auto engine = token_engine();
  ASSERT_NE(engine, nullptr);
  std::string valid = github_token(11);
  std::string invalid = altered(npm_token(12), 20);
  std::string text = "GITHUB_TOKEN=" + valid + "\nNPM_TOKEN=" + invalid + "\n";
  FileScanner scanner(*engine);
  auto matches = test::scan_chunked(scanner, text, GetParam());
  size_t github = test::rule_index(*engine, "github.token");
  size_t npm = test::rule_index(*engine, "npm.access-token");
  int seen = 0;
  for (const SecretMatch& m : matches) {
    if (m.rule_index == github && m.secret == valid) {
      EXPECT_EQ(m.checksum, ValidationState::kValid);
      ++seen;
    }
    if (m.rule_index == npm && m.secret == invalid) {
      EXPECT_EQ(m.checksum, ValidationState::kInvalid);  // still reported
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST_P(EngineChecksumTest, RuleWithoutChecksumGivesNotApplicable) {
  auto engine = test::compile_rules({test::make_rule("t.plain", R"(\b(?P<secret>tk_[a-z]{8})\b)")});
  ASSERT_NE(engine, nullptr);
  FileScanner scanner(*engine);
  auto matches = test::scan_chunked(scanner, "key tk_abcdefgh end", GetParam());
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].checksum, ValidationState::kNotApplicable);
}

INSTANTIATE_TEST_SUITE_P(ChunkSizes, EngineChecksumTest, ::testing::Values(1, 2, 7, 4096, 0));

// JWTs and base64 JSON, built here from JSON text with the test's own encoder.
std::string test_base64(const std::string& in, bool url) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" +
                               std::string(url ? "-_" : "+/");
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    for (size_t k = 0; k < 4; ++k) {
      if (i + k <= in.size()) out.push_back(alphabet[(n >> (18 - 6 * k)) & 63]);
    }
  }
  if (!url) out.append((3 - in.size() % 3) % 3, '=');
  return out;
}

std::string jwt(const std::string& header, const std::string& claims) {
  return test_base64(header, true) + "." + test_base64(claims, true) + "." + random_alnum(43, 9);
}

Rule structured_rule(ChecksumKind kind, std::vector<std::string> expect) {
  Rule rule;
  rule.id = "t.structured";
  rule.checksum = kind;
  rule.expect = std::move(expect);
  return rule;
}

TEST(StructuredSecretTest, JwtClaimsDecideValidity) {
  Rule rule = structured_rule(ChecksumKind::kJwt, {"iss=^supabase$", "role=^service_role$"});
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  auto state = [&](const std::string& token) {
    return checksum_validator().validate(rule, token).state;
  };
  EXPECT_EQ(state(jwt(header, R"({"iss":"supabase","role":"service_role","exp":2})")),
            ValidationState::kValid);
  EXPECT_EQ(state(jwt(header, R"({"iss":"supabase","role":"anon"})")), ValidationState::kInvalid);
  EXPECT_EQ(state(jwt(header, R"({"role":"service_role"})")), ValidationState::kInvalid);
  EXPECT_EQ(state(jwt(R"({"typ":"JWT"})", R"({"iss":"supabase","role":"service_role"})")),
            ValidationState::kInvalid);  // no alg: not a JWS header
  EXPECT_EQ(state(jwt(header, "not json")), ValidationState::kInvalid);
  EXPECT_EQ(state("a.b"), ValidationState::kInvalid);
  EXPECT_EQ(state(jwt(header, R"({"iss":"supabase","role":"service_role"})") + ".x"),
            ValidationState::kInvalid);
}

TEST(StructuredSecretTest, NonStringClaimsAreMatchedAsJsonWritesThem) {
  Rule rule = structured_rule(ChecksumKind::kJwt, {"admin=^true$", "level=^3$"});
  std::string token = jwt(R"({"alg":"none"})", R"({"admin":true,"level":3})");
  EXPECT_EQ(checksum_validator().validate(rule, token).state, ValidationState::kValid);
}

TEST(StructuredSecretTest, Base64JsonFieldsDecideValidity) {
  Rule rule = structured_rule(ChecksumKind::kBase64Json,
                              {"type=^service_account$", "private_key=BEGIN PRIVATE KEY"});
  auto state = [&](const std::string& json) {
    return checksum_validator().validate(rule, test_base64(json, false)).state;
  };
  std::string key = "-----BEGIN PRIVATE KEY-----\\n" + random_alnum(40, 3);
  EXPECT_EQ(state(R"({"type":"service_account","private_key":")" + key + R"("})"),
            ValidationState::kValid);
  EXPECT_EQ(state(R"({"type":"authorized_user","private_key":")" + key + R"("})"),
            ValidationState::kInvalid);
  EXPECT_EQ(state(R"({"type":"service_account"})"), ValidationState::kInvalid);
  EXPECT_EQ(state("[1, 2]"), ValidationState::kInvalid);
  EXPECT_EQ(checksum_validator().validate(rule, "%%%").state, ValidationState::kInvalid);
}

}  // namespace
}  // namespace strata
