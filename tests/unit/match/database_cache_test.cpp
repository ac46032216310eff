#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "match_test_support.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using namespace strata::test;

// Points the cache at a fresh directory for one test.
class DatabaseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("STRATA_CACHE_DIR", dir_.path().c_str(), 1); }
  void TearDown() override { unsetenv("STRATA_CACHE_DIR"); }

  std::vector<std::filesystem::path> cached_files() const {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) out.push_back(e.path());
    return out;
  }

  static ino_t inode(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_ino;
  }

  std::vector<MatchKey> scan_with_fresh_engine(const std::string& text) {
    auto engine = compile_rules({make_rule("t.tok", R"(\b(?P<secret>tk_[a-z0-9]{12})\b)")});
    EXPECT_TRUE(engine);
    FileScanner scanner(*engine);
    return keys(scan_chunked(scanner, text, 0));
  }

  TempDir dir_;
  std::string text_ = "x tk_" + std::string(11, 'q') + "7 y";
};

TEST_F(DatabaseCacheTest, SecondCompileLoadsTheSameDatabase) {
  auto first = scan_with_fresh_engine(text_);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(cached_files().size(), 1u);
  ino_t written = inode(cached_files()[0]);
  EXPECT_EQ(scan_with_fresh_engine(text_), first);
  // Read, not rewritten: a write renames a new file into place. (A read touches the file's
  // time, so the time does not tell.)
  EXPECT_EQ(inode(cached_files()[0]), written);
}

TEST_F(DatabaseCacheTest, CorruptCacheFileIsRecompiledNotTrusted) {
  auto first = scan_with_fresh_engine(text_);
  ASSERT_EQ(cached_files().size(), 1u);
  std::string path = cached_files()[0].string();
  std::string bytes = read_file(path);
  bytes[bytes.size() / 2] ^= 0x20;
  write_file(path, bytes);
  EXPECT_EQ(scan_with_fresh_engine(text_), first);
  EXPECT_NE(read_file(path), bytes);  // replaced by a good copy
  write_file(path, "garbage");
  EXPECT_EQ(scan_with_fresh_engine(text_), first);
}

TEST_F(DatabaseCacheTest, DifferentRulesUseDifferentEntries) {
  scan_with_fresh_engine(text_);
  auto engine = compile_rules({make_rule("t.other", R"(\bzz_[a-z]{10}\b)")});
  ASSERT_TRUE(engine);
  EXPECT_EQ(cached_files().size(), 2u);
}

// The database shipped beside the binary (core/cache_dir.hpp): compiled for the baseline
// target, found when the user's cache is empty, and never copied into it.
TEST_F(DatabaseCacheTest, ShippedDatabaseIsUsedWhenTheUserCacheMisses) {
  TempDir shipped;
  RuleSet set;
  set.rules.push_back(make_rule("t.tok", R"(\b(?P<secret>tk_[a-z0-9]{12})\b)"));
  auto written = MatchEngine::write_shipped_database(set, shipped.path());
  ASSERT_TRUE(written) << written.error().message;
  ASSERT_TRUE(std::filesystem::is_regular_file(*written));
  setenv("STRATA_COMPILED_RULES_DIR", shipped.path().c_str(), 1);
  auto found = scan_with_fresh_engine(text_);
  unsetenv("STRATA_COMPILED_RULES_DIR");
  EXPECT_EQ(found.size(), 1u);
  EXPECT_TRUE(cached_files().empty());  // loaded from the shipped file, not compiled

  // A corrupt shipped file is compiled around (and the user's cache then holds the result).
  write_file(*written, "garbage");
  setenv("STRATA_COMPILED_RULES_DIR", shipped.path().c_str(), 1);
  EXPECT_EQ(scan_with_fresh_engine(text_), found);
  unsetenv("STRATA_COMPILED_RULES_DIR");
  EXPECT_EQ(cached_files().size(), 1u);
}

// The shipped database is compiled from the rule files alone; the scan adds built-in rules
// (no pattern) after them. A keyword-context rule, found through the trigger and the vendor
// database, must come out the same from either.
TEST_F(DatabaseCacheTest, ShippedKeywordContextDatabaseServesTheRulesPlusBuiltins) {
  Rule context =
      make_rule("t.acme", R"((?i:acme)[\w.-]{0,25}(?i:key)[\w.-]{0,5})"
                          R"([\s'"]{0,3}(?::=|=>|[:=])[\s'"]{0,3}(?P<secret>[a-f0-9]{32})\b)");
  Rule builtin = make_rule("t.builtin", "");
  builtin.builtin = true;
  TempDir shipped;
  ASSERT_TRUE(MatchEngine::write_shipped_database(RuleSet{{context}}, shipped.path()));
  setenv("STRATA_COMPILED_RULES_DIR", shipped.path().c_str(), 1);
  auto engine = compile_rules({context, builtin});
  unsetenv("STRATA_COMPILED_RULES_DIR");
  ASSERT_TRUE(engine);
  EXPECT_TRUE(cached_files().empty());  // loaded from the shipped file, not compiled
  FileScanner scanner(*engine);
  auto found = scanner.scan("ACME_KEY = " + std::string("0123456789abcdef") + "0123456789abcdef");
  EXPECT_TRUE(scanner.problems().empty());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule_index, 0u);
}

TEST_F(DatabaseCacheTest, ShippedDatabaseOfOtherRulesIsNotUsed) {
  TempDir shipped;
  RuleSet other;
  other.rules.push_back(make_rule("t.other", R"(\bzz_[a-z]{10}\b)"));
  ASSERT_TRUE(MatchEngine::write_shipped_database(other, shipped.path()));
  setenv("STRATA_COMPILED_RULES_DIR", shipped.path().c_str(), 1);
  EXPECT_EQ(scan_with_fresh_engine(text_).size(), 1u);
  unsetenv("STRATA_COMPILED_RULES_DIR");
  EXPECT_EQ(cached_files().size(), 1u);  // compiled: the shipped entry is another rule set's
}

}  // namespace
}  // namespace strata
