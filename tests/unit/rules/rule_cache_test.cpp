#include "rule_cache.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "strata/core/digest.hpp"
#include "strata/rules/rule.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using rules_detail::deserialize_rules;
using rules_detail::serialize_rules;
using test::read_file;
using test::TempDir;
using test::write_file;

constexpr std::string_view kMagic = "STRATA-RULES1\n";
const std::string kPatterns = STRATA_SOURCE_DIR "/patterns";

std::string rules_yaml(const std::string& severity) {
  return "rules:\n  - id: test.token\n    name: Test token\n    pattern: 'tk_[a-z0-9]{8}'\n"
         "    severity: " +
         severity + "\n    examples:\n      - text: 'x tk_abcdefgh'\n        secret: tk_abcdefgh\n";
}

// A rule with every field set away from its default (the loader never sets `builtin`).
Rule full_rule() {
  Rule r;
  r.id = "test.full";
  r.name = "Full";
  r.description = "Every field.";
  r.pattern = R"(\b(?P<s>tk_[a-z0-9]{8})\b)";
  r.prefilter = "tk_";
  r.secret_group = "s";
  r.min_entropy = 3.3;
  r.severity = Severity::kCritical;
  r.confidence = Confidence::kLow;
  r.generic = true;
  r.builtin = true;
  r.case_insensitive = true;
  r.checksum = ChecksumKind::kCrc32Base62Last6;
  r.categories = {"a", "b"};
  r.references = {"https://example.invalid/doc"};
  r.allow = {"^tk_0", ""};
  r.examples = {{"plain", std::nullopt}, {"with secret", "tk_abcdefgh"}, {"empty", ""}};
  r.negative_examples = {"nope", std::string("nul\0byte", 8)};
  r.source_file = "/x/rules.yml";
  return r;
}

// Points the caches at a fresh directory for one test.
class RuleCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("STRATA_NO_CACHE");
    setenv("STRATA_CACHE_DIR", cache_.path().c_str(), 1);
  }
  void TearDown() override {
    unsetenv("STRATA_CACHE_DIR");
    unsetenv("STRATA_NO_CACHE");
  }

  std::vector<std::string> cache_files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(cache_.path())) out.push_back(e.path().string());
    return out;
  }
  std::string only_cache_file() const {
    auto files = cache_files();
    EXPECT_EQ(files.size(), 1u);
    if (files.empty()) return "";
    EXPECT_TRUE(fs::path(files[0]).filename().string().starts_with("rules-"));
    EXPECT_EQ(fs::path(files[0]).extension(), ".bin");
    return files[0];
  }

  TempDir cache_;
  TempDir rules_;
};

TEST(RuleCacheFormatTest, RoundTripsEveryField) {
  Rule defaults;
  defaults.id = "test.defaults";
  RuleSet set{{full_rule(), defaults}};
  auto back = deserialize_rules(serialize_rules(set));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, set);
  EXPECT_FALSE(back->rules[0].examples[0].secret.has_value());
  EXPECT_EQ(back->rules[0].examples[2].secret, "");
}

TEST(RuleCacheFormatTest, RoundTripsTheShippedCatalogue) {
  setenv("STRATA_NO_CACHE", "1", 1);
  auto set = load_rule_files({kPatterns});
  unsetenv("STRATA_NO_CACHE");
  ASSERT_TRUE(set.has_value()) << set.error().message;
  ASSERT_GT(set->rules.size(), 100u);
  auto back = deserialize_rules(serialize_rules(*set));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, *set);
}

TEST(RuleCacheFormatTest, RejectsTruncatedAndInconsistentBytes) {
  std::string bytes = serialize_rules(RuleSet{{full_rule()}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(deserialize_rules(bytes.substr(0, n)).has_value()) << "prefix of " << n;
  }
  EXPECT_FALSE(deserialize_rules(bytes + "x").has_value());
  std::string huge_count = bytes;
  huge_count[7] = '\x7f';  // rule count 2^62-ish: must not allocate, just fail
  EXPECT_FALSE(deserialize_rules(huge_count).has_value());
}

TEST_F(RuleCacheTest, WarmLoadEqualsColdLoadOfTheShippedCatalogue) {
  auto cold = load_rule_files({kPatterns});
  ASSERT_TRUE(cold.has_value()) << cold.error().message;
  std::string file = only_cache_file();
  auto warm = load_rule_files({kPatterns});
  ASSERT_TRUE(warm.has_value()) << warm.error().message;
  EXPECT_EQ(*warm, *cold);
  EXPECT_EQ(warm->hash(), cold->hash());
  EXPECT_EQ(cache_files().size(), 1u);
}

TEST_F(RuleCacheTest, SecondLoadReadsTheCache) {
  write_file(rules_.path() + "/rules.yml", rules_yaml("low"));
  auto cold = load_rule_files({rules_.path()});
  ASSERT_TRUE(cold.has_value()) << cold.error().message;
  // Rewrite the entry, validly, with a different name: only a load from the cache sees it.
  std::string file = only_cache_file();
  std::string content = read_file(file);
  size_t header = kMagic.size() + 65;
  ASSERT_GT(content.size(), header + 64);
  std::string key = content.substr(header, 64);
  auto entry = deserialize_rules(std::string_view(content).substr(header + 64));
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(*entry, *cold);
  entry->rules[0].name = "From the cache";
  std::string payload = key + serialize_rules(*entry);
  write_file(file, std::string(kMagic) + sha256_of(payload).hex + "\n" + payload);

  auto warm = load_rule_files({rules_.path()});
  ASSERT_TRUE(warm.has_value()) << warm.error().message;
  EXPECT_EQ(warm->rules[0].name, "From the cache");
}

TEST_F(RuleCacheTest, ChangedRuleFileMissesTheCache) {
  std::string path = rules_.path() + "/rules.yml";
  write_file(path, rules_yaml("low"));
  auto first = load_rule_files({path});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->rules[0].severity, Severity::kLow);
  write_file(path, rules_yaml("critical"));
  auto second = load_rule_files({path});
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->rules[0].severity, Severity::kCritical);
  EXPECT_EQ(second->rules[0].source_file, path);
  EXPECT_EQ(cache_files().size(), 2u);
}

TEST_F(RuleCacheTest, SameBytesAtAnotherPathMissTheCache) {
  write_file(rules_.path() + "/a.yml", rules_yaml("low"));
  write_file(rules_.path() + "/b.yml", rules_yaml("low"));
  auto a = load_rule_files({rules_.path() + "/a.yml"});
  auto b = load_rule_files({rules_.path() + "/b.yml"});
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->rules[0].source_file, rules_.path() + "/a.yml");
  EXPECT_EQ(b->rules[0].source_file, rules_.path() + "/b.yml");
}

TEST_F(RuleCacheTest, CorruptCacheFileIsIgnoredAndRewritten) {
  write_file(rules_.path() + "/rules.yml", rules_yaml("high"));
  auto cold = load_rule_files({rules_.path()});
  ASSERT_TRUE(cold.has_value()) << cold.error().message;
  std::string file = only_cache_file();
  const std::string valid = read_file(file);

  std::string flipped = valid;
  flipped[valid.size() - 5] ^= 0x01;
  const std::vector<std::pair<std::string, std::string>> corruptions = {
      {"flipped payload byte", flipped},
      {"truncated", valid.substr(0, valid.size() / 2)},
      {"header only", valid.substr(0, kMagic.size() + 65)},
      {"garbage", "not a cache file at all"},
      {"empty", ""},
  };
  for (const auto& [what, bytes] : corruptions) {
    write_file(file, bytes);
    auto loaded = load_rule_files({rules_.path()});
    ASSERT_TRUE(loaded.has_value()) << what << ": " << loaded.error().message;
    EXPECT_EQ(*loaded, *cold) << what;
    EXPECT_EQ(read_file(file), valid) << what << ": the entry is rewritten";
    EXPECT_EQ(cache_files().size(), 1u) << what;
  }
}

TEST_F(RuleCacheTest, NoCacheWritesNothing) {
  setenv("STRATA_NO_CACHE", "1", 1);
  write_file(rules_.path() + "/rules.yml", rules_yaml("high"));
  auto first = load_rule_files({rules_.path()});
  auto second = load_rule_files({rules_.path()});
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(*first, *second);
  EXPECT_TRUE(cache_files().empty());
}

TEST_F(RuleCacheTest, UnwritableCacheIsSkipped) {
  std::string not_a_dir = cache_.path() + "/file";
  write_file(not_a_dir, "x");
  setenv("STRATA_CACHE_DIR", not_a_dir.c_str(), 1);
  write_file(rules_.path() + "/rules.yml", rules_yaml("high"));
  auto loaded = load_rule_files({rules_.path()});
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->rules[0].severity, Severity::kHigh);
}

TEST_F(RuleCacheTest, ErrorsAreNotCached) {
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"bad yaml", "rules: [\n"},
      {"invalid rule", "rules:\n  - id: Bad Id\n    name: n\n    pattern: x\n    severity: low\n"},
      {"duplicate id", rules_yaml("low") + rules_yaml("low").substr(7)},
  };
  for (const auto& [what, content] : broken) {
    std::string path = rules_.path() + "/rules.yml";
    write_file(path, content);
    auto first = load_rule_files({path});
    ASSERT_FALSE(first.has_value()) << what;
    auto second = load_rule_files({path});
    ASSERT_FALSE(second.has_value()) << what;
    EXPECT_EQ(second.error().message, first.error().message) << what;
    EXPECT_NE(first.error().message.find(path), std::string::npos) << first.error().message;
    EXPECT_TRUE(cache_files().empty()) << what;
  }
}

TEST_F(RuleCacheTest, MissingFileIsReportedAsBefore) {
  auto loaded = load_rule_files({rules_.path() + "/missing.yml"});
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message, rules_.path() + "/missing.yml: cannot open");
  EXPECT_TRUE(cache_files().empty());
}

}  // namespace
}  // namespace strata
