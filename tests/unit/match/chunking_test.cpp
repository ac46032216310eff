// The chunking invariant: any split of a file into chunks gives the same matches as the
// whole file. Stream-mode look-behind bugs show up here.
#include <gtest/gtest.h>

#include "match_test_support.hpp"

namespace strata {
namespace {

using namespace strata::test;

constexpr size_t kChunkSizes[] = {1, 2, 7, 4096};

// Scans text whole and at every chunk size; every result must equal the whole-file one.
std::vector<SecretMatch> expect_chunking_invariant(const MatchEngine& engine,
                                                   const std::string& text,
                                                   const std::string& label) {
  FileScanner scanner(engine);
  auto whole = scan_chunked(scanner, text, 0);
  for (size_t chunk : kChunkSizes) {
    auto chunked = scan_chunked(scanner, text, chunk);
    EXPECT_EQ(keys(chunked), keys(whole)) << label << " at chunk size " << chunk;
    // Told the size, the last chunk ends the file while it is still in memory.
    auto sized = scan_chunked(scanner, text, chunk, true);
    EXPECT_EQ(keys(sized), keys(whole)) << label << " at chunk size " << chunk << ", size told";
  }
  EXPECT_EQ(keys(scan_chunked(scanner, text, 0, true)), keys(whole)) << label << ", size told";
  return whole;
}

class ChunkingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { engine_ = shipped_engine(); }
  static void TearDownTestSuite() { engine_.reset(); }
  static std::shared_ptr<const MatchEngine> engine_;
};
std::shared_ptr<const MatchEngine> ChunkingTest::engine_;

TEST_F(ChunkingTest, EveryRuleExampleAndNegativeExample) {
  ASSERT_TRUE(engine_);
  const auto& rules = engine_->rules().rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    for (size_t e = 0; e < rules[i].examples.size(); ++e) {
      const auto& example = rules[i].examples[e];
      auto found = expect_chunking_invariant(*engine_, example.text,
                                             rules[i].id + " example " + std::to_string(e + 1));
      bool has_rule = std::ranges::any_of(found, [&](auto& m) { return m.rule_index == i; });
      EXPECT_TRUE(has_rule) << rules[i].id << " example " << e + 1;
    }
    for (size_t e = 0; e < rules[i].negative_examples.size(); ++e) {
      expect_chunking_invariant(*engine_, rules[i].negative_examples[e],
                                rules[i].id + " negative example " + std::to_string(e + 1));
    }
  }
}

TEST_F(ChunkingTest, TwoAdjacentTokens) {
  ASSERT_TRUE(engine_);
  std::string a = fake_github_token(11);
  std::string b = fake_npm_token(12);
  auto found = expect_chunking_invariant(*engine_, a + "," + b, "adjacent");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].secret, a);
  EXPECT_EQ(found[1].secret, b);
  EXPECT_EQ(found[1].secret_start, a.size() + 1);
}

TEST_F(ChunkingTest, TokenStraddlingChunkBoundaries) {
  ASSERT_TRUE(engine_);
  std::string token = fake_github_token(13);
  for (size_t before : {4080, 4095, 4096, 4097, 8190}) {
    std::string text = std::string(before, ' ') + token + "\n";
    auto found = expect_chunking_invariant(*engine_, text, "offset " + std::to_string(before));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].secret_start, before);
    EXPECT_EQ(found[0].column, before + 1);
  }
}

TEST_F(ChunkingTest, TokenAtEndOfFileWithoutNewline) {
  ASSERT_TRUE(engine_);
  std::string token = fake_npm_token(14);
  auto found = expect_chunking_invariant(*engine_, "NPM_TOKEN=" + token, "at eof");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, token);
}

TEST_F(ChunkingTest, TokenPrecededByWordCharacterInEarlierChunk) {
  ASSERT_TRUE(engine_);
  auto found = expect_chunking_invariant(*engine_, "x" + fake_github_token(15), "glued");
  EXPECT_TRUE(found.empty());
}

TEST_F(ChunkingTest, PemKey) {
  ASSERT_TRUE(engine_);
  std::string key = fake_pem_key(16);
  std::string text = "config:\n  key: |\n" + key + "\ntrailer\n";
  auto found = expect_chunking_invariant(*engine_, text, "pem");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, key);
  EXPECT_EQ(found[0].line, 3u);
  EXPECT_EQ(found[0].column, 1u);
}

TEST_F(ChunkingTest, PemKeyNearTheMaximumWidth) {
  ASSERT_TRUE(engine_);
  std::string dashes(5, '-');
  std::string key = dashes + "BEGIN " + "PRIVATE KEY" + dashes + "\n";
  for (uint32_t i = 0; i < 120; ++i) key += random_alnum(64, 700 + i) + "\n";  // ~7.8 KiB
  key += dashes + "END " + "PRIVATE KEY" + dashes;
  std::string text = std::string(3000, '.') + "\n" + key + "\n";
  auto found = expect_chunking_invariant(*engine_, text, "wide pem");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, key);
  EXPECT_EQ(found[0].line, 2u);
}

TEST_F(ChunkingTest, ManyLinesBeforeTheMatch) {
  ASSERT_TRUE(engine_);
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i) + " of filler text\n";
  std::string token = fake_github_token(17);
  text += "    GITHUB_TOKEN=" + token + "\nmore\n";
  auto found = expect_chunking_invariant(*engine_, text, "many lines");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 3001u);
  EXPECT_EQ(found[0].column, 18u);
}

TEST_F(ChunkingTest, MixedDocument) {
  ASSERT_TRUE(engine_);
  std::string text = "# settings\nDB_PASSWORD=" + random_alnum(14, 18) + "\n" + fake_pem_key(19) +
                     "\n\n\ttoken=" + fake_github_token(20) + " npm " + fake_npm_token(21) +
                     "\r\n" + std::string(5000, 'z') + "\n" + fake_github_token(22);
  auto found = expect_chunking_invariant(*engine_, text, "mixed");
  EXPECT_EQ(found.size(), 5u);
}

TEST_F(ChunkingTest, CustomRulesWithVariableWidth) {
  // A rule without a trailing boundary reports many end offsets; the longest must win
  // whatever the chunking.
  auto engine = compile_rules({make_rule("t.var", R"(\bkey-(?P<secret>[a-z]{4,40}))"),
                               make_rule("t.line", R"(^item (?<secret>[0-9]{2,9})$)")});
  ASSERT_TRUE(engine);
  std::string text = "key-abcdefghij key-xyz key-" + std::string(50, 'q') +
                     "\nitem 12345\nitem 1\n  item 99\nitem 777";
  auto found = expect_chunking_invariant(*engine, text, "variable width");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].secret, "abcdefghij");
  EXPECT_EQ(found[1].secret, std::string(40, 'q'));
  EXPECT_EQ(found[2].secret, "12345");
  EXPECT_EQ(found[3].secret, "777");
}

}  // namespace
}  // namespace strata
