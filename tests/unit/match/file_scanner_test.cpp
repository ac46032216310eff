#include <gtest/gtest.h>

#include <chrono>

#include "match_test_support.hpp"
#include "strata/core/limits.hpp"

namespace strata {
namespace {

using namespace strata::test;

TEST(FileScannerTest, ReportsSecretGroupOffsetsLineAndColumn) {
  auto engine = compile_rules({make_rule("t.key", R"(\bkey=(?P<secret>[a-z0-9]{10})\b)")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string secret = random_alnum(10, 1);
  std::transform(secret.begin(), secret.end(), secret.begin(), ::tolower);
  std::string text = "first\nsecond line\n  key=" + secret + " tail";
  auto found = scanner.scan(text);
  ASSERT_EQ(found.size(), 1u);
  const SecretMatch& m = found[0];
  EXPECT_EQ(m.rule_index, 0u);
  EXPECT_EQ(m.secret, secret);
  EXPECT_EQ(m.match_start, text.find("key="));
  EXPECT_EQ(m.match_end, text.find(" tail"));
  EXPECT_EQ(m.secret_start, text.find(secret));
  EXPECT_EQ(m.secret_end, m.secret_start + secret.size());
  EXPECT_EQ(m.line, 3u);
  EXPECT_EQ(m.column, 7u);
  EXPECT_GT(m.entropy, 0.0);
}

TEST(FileScannerTest, WholeMatchIsTheSecretWithoutTheGroup) {
  auto engine = compile_rules({make_rule("t.whole", R"(\bzz[0-9]{8}\b)")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("a zz12345678 b");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, "zz12345678");
  EXPECT_EQ(found[0].secret_start, found[0].match_start);
}

TEST(FileScannerTest, AngleBracketNamedGroupWorks) {
  auto engine = compile_rules({make_rule("t.angle", R"(id:(?<secret>[0-9]{6}))")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("id:123456");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, "123456");
}

TEST(FileScannerTest, CustomSecretGroupName) {
  Rule rule = make_rule("t.custom", R"(user=(?P<user>[a-z]{3}) pass=(?P<pw>[0-9]{4}))");
  rule.secret_group = "pw";
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("user=bob pass=4321");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, "4321");
}

TEST(FileScannerTest, CaseInsensitiveRule) {
  Rule rule = make_rule("t.ci", R"(\bapitoken:(?P<secret>[0-9]{5}))");
  rule.case_insensitive = true;
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  EXPECT_EQ(scanner.scan("ApiToken:12345").size(), 1u);
}

TEST(FileScannerTest, EntropyFloorMarksProviderFillerAndDropsGenericOnes) {
  Rule rule = make_rule("t.entropy", R"(\bv=(?P<secret>[a-zA-Z0-9]{16})\b)");
  rule.min_entropy = 3.0;
  Rule generic = make_rule("t.generic", R"(\bw=(?P<secret>[a-zA-Z0-9]{16})\b)");
  generic.min_entropy = 3.0;
  generic.generic = true;
  auto engine = compile_rules({rule, generic});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  // Filler in a provider token's shape is kept, marked: the report shows it as suppressed.
  for (std::string filler : {std::string(16, 'a'), std::string("abababababababab")}) {
    auto found = scanner.scan("v=" + filler);
    ASSERT_EQ(found.size(), 1u) << filler;
    EXPECT_TRUE(found[0].below_entropy_floor);
    EXPECT_TRUE(found[0].suppressed());
    EXPECT_LT(found[0].entropy, 3.0);
    EXPECT_TRUE(scanner.scan("w=" + filler).empty()) << filler;
  }
  auto found = scanner.scan("v=" + random_alnum(16, 5));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_GE(found[0].entropy, 3.0);
  EXPECT_FALSE(found[0].suppressed());
  EXPECT_EQ(scanner.scan("w=" + random_alnum(16, 5)).size(), 1u);
}

// Thousands of filler strings in a token's shape (a fixture, a bundle) must not use up the
// per-file match limit and push a real secret after them out of the report.
TEST(FileScannerTest, FillerNeverCrowdsOutARealSecret) {
  Rule rule = make_rule("t.entropy", R"(\bv=(?P<secret>[a-zA-Z0-9]{16})\b)");
  rule.min_entropy = 3.0;
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string text;
  for (size_t i = 0; i < 3 * ScanLimits{}.max_matches_per_file + 5000; ++i) {
    text += "v=" + std::string(16, static_cast<char>('a' + i % 26)) + "\n";
  }
  std::string real = random_alnum(16, 9);
  text += "v=" + real + "\n";
  auto found = scanner.scan(text);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back().secret, real);
  EXPECT_FALSE(found.back().suppressed());
  EXPECT_LE(found.size(), 100u);  // a few fillers are shown, not thousands
}

TEST(FileScannerTest, AllowRegexSuppressesMatchingSecrets) {
  Rule rule = make_rule("t.allow", R"(\bk=(?P<secret>[A-Z0-9]{12})\b)");
  rule.allow = {"EXAMPLE$", "^0{4}"};
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto kept = scanner.scan("k=ABCDE" + std::string("XAMPLE") + "Z");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0].allowed_by);
  // Allowed secrets stay visible as matches, marked with the allow pattern that matched.
  auto example = scanner.scan("k=ABCDE" + std::string("EXAMPLE"));
  ASSERT_EQ(example.size(), 1u);
  EXPECT_EQ(example[0].allowed_by, 0u);
  auto zeros = scanner.scan("k=0000ABCDEFGH");
  ASSERT_EQ(zeros.size(), 1u);
  EXPECT_EQ(zeros[0].allowed_by, 1u);
}

TEST(FileScannerTest, ProviderRuleWinsOverGenericOnTheSameBytes) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string token = fake_github_token(31);
  auto found = scanner.scan("token=" + token + "\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_index, rule_index(*engine, "github.token"));
  EXPECT_EQ(found[0].secret, token);
}

TEST(FileScannerTest, GenericMatchElsewhereIsKept) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string password = random_alnum(14, 32);
  auto found = scanner.scan("password=" + password + "\nid " + fake_github_token(33) + "\n");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_index, rule_index(*engine, "generic.secret-assignment"));
  EXPECT_EQ(found[0].secret, password);
  EXPECT_EQ(found[1].rule_index, rule_index(*engine, "github.token"));
}

TEST(FileScannerTest, LongestMatchOfARuleWins) {
  auto engine = compile_rules({make_rule("t.open", R"(\bab[0-9]{2,10})")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("ab12345678");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, "ab12345678");
}

TEST(FileScannerTest, DifferentProviderRulesOnTheSameBytesAreBothKept) {
  auto engine = compile_rules(
      {make_rule("t.one", R"(\bq[0-9]{6}\b)"), make_rule("t.two", R"(\bq[0-9]{6}\b)")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  EXPECT_EQ(scanner.scan("q123456").size(), 2u);
}

TEST(FileScannerTest, MatchesPastTheLimitAreCounted) {
  auto engine = compile_rules({make_rule("t.many", R"(\bm[0-9]{4}\b)")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  const uint64_t limit = ScanLimits{}.max_matches_per_file;
  std::string text;
  for (uint64_t i = 0; i < limit + 250; ++i) text += "m" + std::to_string(1000 + i % 9000) + " ";
  auto found = scanner.scan(text);
  EXPECT_EQ(found.size(), limit);
  EXPECT_EQ(scanner.dropped_matches(), 250u);
  EXPECT_TRUE(scanner.scan("m1234").size() == 1u);
  EXPECT_EQ(scanner.dropped_matches(), 0u);
}

TEST(FileScannerTest, ScannerIsReusableAcrossFiles) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string token = fake_npm_token(41);
  auto first = scanner.scan("\n\n  " + token);
  auto second = scanner.scan(token);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].secret_start, 0u);
  EXPECT_EQ(second[0].line, 1u);
  EXPECT_EQ(first[0].line, 3u);
}

TEST(FileScannerTest, AbandonedFileDoesNotLeakIntoTheNext) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string token = fake_github_token(42);
  scanner.begin();
  scanner.feed(token.substr(0, 20));  // abandoned mid-token, no finish()
  scanner.begin();
  scanner.feed(token.substr(20));
  EXPECT_TRUE(scanner.finish().empty());
}

TEST(FileScannerTest, BytesPastThePromisedSizeAreStillScanned) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string first = fake_npm_token(43);
  std::string second = fake_github_token(44);
  scanner.begin(first.size() + 1);  // a broken archive: more data follows than its header said
  scanner.feed(first + " ");
  scanner.feed(second + "\n");
  auto found = scanner.finish();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].secret, first);
  EXPECT_EQ(found[1].secret, second);
  EXPECT_EQ(found[1].secret_start, first.size() + 1);
}

TEST(FileScannerTest, FileEndedBySizeDoesNotLeakIntoTheNext) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string token = fake_github_token(45);
  scanner.begin(20);
  scanner.feed(token.substr(0, 20));  // complete by its size; finish() never called
  scanner.begin();
  scanner.feed(token.substr(20));
  EXPECT_TRUE(scanner.finish().empty());
  scanner.begin(token.size() - 1);
  scanner.feed(token.substr(0, token.size() - 1));
  scanner.feed(token.substr(token.size() - 1));  // past the size: a fresh stream
  EXPECT_TRUE(scanner.finish().empty());
}

TEST(FileScannerTest, EmptyRuleSetFindsNothing) {
  auto engine = compile_rules({});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  EXPECT_TRUE(scanner.scan("anything at all").empty());
  EXPECT_EQ(engine->max_window(), 0u);
}

TEST(FileScannerTest, FinishWithoutBeginIsEmpty) {
  auto engine = compile_rules({make_rule("t.x", R"(x[0-9]{3})")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  EXPECT_TRUE(scanner.finish().empty());
}

// 50 MiB without a match then one token: found at the right place, quickly. The look-behind
// window is bounded, so this neither grows memory nor slows down with the file size.
TEST(FileScannerTest, LookBehindStaysBoundedOnLargeInput) {
  auto engine = shipped_engine();
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string block;
  for (int i = 0; block.size() < (64 << 10); ++i)
    block += "filler line " + std::to_string(i) + "\n";
  size_t lines_per_block = std::count(block.begin(), block.end(), '\n');
  const size_t kBlocks = (50u << 20) / block.size() + 1;
  auto started = std::chrono::steady_clock::now();
  scanner.begin();
  for (size_t i = 0; i < kBlocks; ++i) scanner.feed(block);
  std::string token = fake_github_token(51);
  scanner.feed("x " + token);
  auto found = scanner.finish();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, token);
  EXPECT_EQ(found[0].secret_start, kBlocks * block.size() + 2);
  EXPECT_EQ(found[0].line, kBlocks * lines_per_block + 1);
  EXPECT_EQ(found[0].column, 3u);
  EXPECT_LT(seconds, 30.0);
}

}  // namespace
}  // namespace strata
