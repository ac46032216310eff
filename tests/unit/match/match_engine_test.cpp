#include "strata/match/match_engine.hpp"

#include <gtest/gtest.h>

#include "match_test_support.hpp"

namespace strata {
namespace {

using namespace strata::test;

Result<std::shared_ptr<const MatchEngine>> compile_one(Rule rule) {
  rule.source_file = "patterns/t.yml";
  return MatchEngine::compile(RuleSet{{std::move(rule)}});
}

TEST(MatchEngineTest, CompilesAndKeepsRules) {
  auto engine =
      compile_rules({make_rule("t.a", R"(\ba[0-9]{4}\b)"), make_rule("t.b", "b[0-9]{2}")});
  ASSERT_TRUE(engine);
  ASSERT_EQ(engine->rules().rules.size(), 2u);
  EXPECT_EQ(engine->rules().rules[1].id, "t.b");
}

TEST(MatchEngineTest, MaxWindowIsTheWidestRule) {
  auto engine =
      compile_rules({make_rule("t.a", R"(\ba[0-9]{4}\b)"), make_rule("t.b", R"(b[0-9]{2,30}c)")});
  ASSERT_TRUE(engine);
  EXPECT_EQ(engine->max_window(), 32u);
}

TEST(MatchEngineTest, RejectsUnboundedPatternNamingTheRule) {
  auto engine = compile_one(make_rule("t.unbounded", R"(key=[a-z0-9]+)"));
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.unbounded"), std::string::npos);
  EXPECT_NE(engine.error().message.find("patterns/t.yml"), std::string::npos);
  EXPECT_NE(engine.error().message.find("bounded"), std::string::npos);
}

TEST(MatchEngineTest, RejectsPatternWiderThan64KiB) {
  auto engine = compile_one(make_rule("t.wide", R"(w[a-z]{0,40000}[0-9]{0,40000})"));
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.wide"), std::string::npos);
}

TEST(MatchEngineTest, RejectsInvalidRegexNamingTheRule) {
  auto engine = compile_one(make_rule("t.broken", R"(abc([0-9]{3})"));
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.broken"), std::string::npos);
}

TEST(MatchEngineTest, RejectsLookaroundThatHyperscanCannotRun) {
  auto engine = compile_one(make_rule("t.lookahead", R"(abc(?=[0-9]{3}))"));
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.lookahead"), std::string::npos);
}

TEST(MatchEngineTest, RejectsPatternMatchingEmpty) {
  auto engine = compile_one(make_rule("t.empty", R"(a{0,3})"));
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.empty"), std::string::npos);
}

TEST(MatchEngineTest, RejectsInvalidAllowRegex) {
  Rule rule = make_rule("t.allow", R"(x[0-9]{4})");
  rule.allow = {"(unclosed"};
  auto engine = compile_one(rule);
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("allow"), std::string::npos);
}

TEST(MatchEngineTest, NamedGroupsInsideCharacterClassesAreLeftAlone) {
  // "(?P<" inside a class or escaped is literal text, not a group.
  auto engine = compile_rules({make_rule("t.class", R"(k[(?P<]{2}\(\?P<x(?P<secret>[0-9]{3}))")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  auto found = scanner.scan("k(P(?P<x123");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].secret, "123");
}

TEST(MatchEngineTest, EngineIsSharedAcrossScanners) {
  auto engine = compile_rules({make_rule("t.a", R"(\ba[0-9]{4}\b)")});
  ASSERT_TRUE(engine);
  FileScanner one(*engine);
  FileScanner two(*engine);
  one.begin();
  two.begin();
  one.feed("a12");
  two.feed("a98");
  one.feed("34");
  two.feed("76");
  auto a = one.finish();
  auto b = two.finish();
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].secret, "a1234");
  EXPECT_EQ(b[0].secret, "a9876");
}

// A rule whose best Hyperscan literal is common: the prefilter drops it from what Hyperscan
// looks for; PCRE2 still confirms each candidate with the pattern.
Rule prefixed_token_rule() {
  Rule rule = make_rule("t.prefixed", R"(key=(?P<secret>EAA[A-Za-z0-9]{20})\b)");
  rule.prefilter = R"(key=[A-Za-z0-9]{23}\b)";
  return rule;
}

TEST(MatchEngineTest, PrefilterFindsExactlyWhatThePatternFinds) {
  Rule plain = prefixed_token_rule();
  plain.prefilter.clear();
  auto with = compile_rules({prefixed_token_rule()});
  auto without = compile_rules({plain});
  ASSERT_TRUE(with && without);
  std::string token = std::string("EA") + "A" + random_alnum(20, 7);
  std::string text = "a key=" + token + " b\n" +                       // found
                     "key=" + random_alnum(23, 8) + "\n" +             // the prefilter only
                     "EAA" + random_alnum(20, 9) + " key=EAAshort\n";  // neither
  FileScanner a(*with);
  FileScanner b(*without);
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{7}}) {
    auto found = scan_chunked(a, text, chunk);
    ASSERT_EQ(found.size(), 1u) << chunk;
    EXPECT_EQ(found[0].secret, token);
    EXPECT_EQ(keys(found), keys(scan_chunked(b, text, chunk))) << chunk;
  }
}

TEST(MatchEngineTest, HyperscanSearchesThePrefilterInsteadOfThePattern) {
  Rule rule = prefixed_token_rule();
  rule.prefilter = "nothing[0-9]{3}";  // not a superset: the pattern's matches are never seen
  auto engine = compile_rules({rule});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string text = "key=" + std::string("EA") + "A" + random_alnum(20, 7) + "\n";
  EXPECT_TRUE(scanner.scan(text).empty());
}

TEST(MatchEngineTest, RejectsPrefilterThatHyperscanCannotRunNamingIt) {
  Rule rule = prefixed_token_rule();
  rule.prefilter = R"(key=(?=[A-Z])[A-Za-z0-9]{23})";
  auto engine = compile_one(rule);
  ASSERT_FALSE(engine.has_value());
  EXPECT_NE(engine.error().message.find("t.prefixed"), std::string::npos);
  EXPECT_NE(engine.error().message.find("prefilter"), std::string::npos);
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

using namespace strata::test;

// The candidate pass relaxes wide repeats ({8,2000} -> {8,}) for compile speed; the confirm
// pass must still enforce the bound, at every chunk size.
TEST(MatchEngineTest, WideRepeatBoundIsKeptWhenRelaxedForHyperscan) {
  auto engine = compile_rules({make_rule("t.wide", R"(<<(?P<secret>[a-z]{8,2000})>>)")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string fits = "<<" + std::string(2000, 'q') + ">>";
  std::string too_long = "<<" + std::string(2001, 'q') + ">>";
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}}) {
    EXPECT_EQ(scan_chunked(scanner, fits, chunk).size(), 1u) << chunk;
    EXPECT_TRUE(scan_chunked(scanner, too_long, chunk).empty()) << chunk;
  }
}

}  // namespace
}  // namespace strata
