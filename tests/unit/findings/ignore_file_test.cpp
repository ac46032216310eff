#include "strata/findings/ignore_file.hpp"

#include <gtest/gtest.h>

#include "support/test_env.hpp"

namespace strata {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year(2026), month(6), day(15)};

std::string fp(char c) { return std::string(32, c); }

Finding finding(const std::string& rule, const std::string& fingerprint,
                std::vector<std::string> paths) {
  Finding f;
  f.rule_id = rule;
  f.fingerprint = fingerprint;
  for (const std::string& p : paths) {
    Location l;
    l.kind = LocationKind::kLayerFile;
    l.path = p;
    f.locations.push_back(l);
  }
  return f;
}

IgnoreFile parsed(const std::string& text) {
  auto file = IgnoreFile::parse(text, ".strataignore");
  EXPECT_TRUE(file) << file.error().message;
  return file ? *file : IgnoreFile{};
}

std::string parse_error(const std::string& text) {
  auto file = IgnoreFile::parse(text, ".strataignore");
  EXPECT_FALSE(file);
  return file ? "" : file.error().message;
}

// ---- parsing ---------------------------------------------------------------------------

TEST(IgnoreFileTest, ParsesTheLineForm) {
  IgnoreFile f =
      parsed("# triaged\n\n" + fp('a') +
             "  expires=2026-12-31  # rotated\nrule=generic.* path:docs/**  # examples\n");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].line, 3);
  EXPECT_EQ(f.entries[0].fingerprint, fp('a'));
  EXPECT_EQ(f.entries[0].reason, "rotated");
  ASSERT_TRUE(f.entries[0].expires);
  EXPECT_EQ(*f.entries[0].expires, (year_month_day{year(2026), month(12), day(31)}));
  EXPECT_EQ(f.entries[1].line, 4);
  EXPECT_EQ(f.entries[1].rule, "generic.*");
  EXPECT_EQ(f.entries[1].path, "docs/**");
  EXPECT_FALSE(f.entries[1].expires);
}

TEST(IgnoreFileTest, ParsesTheYamlForm) {
  IgnoreFile f = parsed("# triaged\n- fingerprint: " + fp('b') +
                        "\n  reason: rotated\n  expires: 2027-01-02\n"
                        "- {rule: \"generic.*\", path: \"*.md\", reason: docs}\n");
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].line, 2);
  EXPECT_EQ(f.entries[0].fingerprint, fp('b'));
  EXPECT_EQ(f.entries[0].reason, "rotated");
  EXPECT_TRUE(f.entries[0].expires);
  EXPECT_EQ(f.entries[1].line, 5);
  EXPECT_EQ(f.entries[1].path, "*.md");
}

TEST(IgnoreFileTest, ParsesYamlUnderAnIgnoreKey) {
  IgnoreFile f = parsed("ignore:\n  - rule: aws.*\n    reason: sandbox account\n");
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].rule, "aws.*");
  EXPECT_EQ(f.entries[0].line, 2);
}

TEST(IgnoreFileTest, EmptyFileHasNoEntries) {
  EXPECT_TRUE(parsed("# nothing yet\n").entries.empty());
}

TEST(IgnoreFileTest, LineFormErrorsNameFileAndLine) {
  EXPECT_NE(
      parse_error("# c\nrule=x colour=red # why\n").find(".strataignore:2: unknown key 'colour'"),
      std::string::npos);
}

TEST(IgnoreFileTest, ReasonIsRequired) {
  EXPECT_NE(parse_error("rule=x\n").find(".strataignore:1: no reason"), std::string::npos);
}

TEST(IgnoreFileTest, BadDateIsAnError) {
  EXPECT_NE(parse_error("rule=x expires=2026-02-30 # why\n").find("not a valid date"),
            std::string::npos);
  EXPECT_NE(parse_error("rule=x expires=31.12.2026 # why\n").find("YYYY-MM-DD"), std::string::npos);
}

TEST(IgnoreFileTest, BareWordMustBeAFingerprint) {
  EXPECT_NE(parse_error("abc123 # why\n").find("expected a fingerprint"), std::string::npos);
}

TEST(IgnoreFileTest, YamlErrorsNameFileAndLine) {
  EXPECT_NE(parse_error("- rule: x\n  reason: y\n- rule: z\n").find(".strataignore:3: no reason"),
            std::string::npos);
  EXPECT_NE(parse_error("- rule: x\n  reason: y\n  colour: red\n").find("unknown key 'colour'"),
            std::string::npos);
  EXPECT_NE(parse_error("- fingerprint: nothex\n  reason: y\n").find("32 lowercase hex"),
            std::string::npos);
}

TEST(IgnoreFileTest, InvalidYamlIsAnError) {
  EXPECT_NE(parse_error("- rule: [x\n").find(".strataignore:"), std::string::npos);
}

TEST(IgnoreFileTest, EntryNeedsASelector) {
  EXPECT_NE(parse_error("- reason: y\n").find("needs a fingerprint, a rule or a path"),
            std::string::npos);
}

TEST(IgnoreFileTest, LoadRequiresTheFile) {
  test::TempDir dir;
  auto f = IgnoreFile::load(dir.path() + "/missing");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("missing: no such file"), std::string::npos);
}

// ---- globs -----------------------------------------------------------------------------

TEST(IgnoreGlobTest, RuleGlobs) {
  EXPECT_TRUE(rule_glob_match("generic.*", "generic.password"));
  EXPECT_TRUE(rule_glob_match("*", "aws.access-key"));
  EXPECT_TRUE(rule_glob_match("aws.?ccess-key", "aws.access-key"));
  EXPECT_FALSE(rule_glob_match("generic.*", "github.pat"));
  EXPECT_FALSE(rule_glob_match("generic", "generic.password"));
}

TEST(IgnoreGlobTest, StarStopsAtSlash) {
  EXPECT_TRUE(path_glob_match("docs/*.md", "docs/a.md"));
  EXPECT_FALSE(path_glob_match("docs/*.md", "docs/sub/a.md"));
}

TEST(IgnoreGlobTest, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(path_glob_match("docs/**", "docs/sub/a.md"));
  EXPECT_TRUE(path_glob_match("docs/**/a.md", "docs/a.md"));
  EXPECT_TRUE(path_glob_match("docs/**/a.md", "docs/x/y/a.md"));
  EXPECT_FALSE(path_glob_match("docs/**/a.md", "docs/x/b.md"));
}

TEST(IgnoreGlobTest, PatternWithoutSlashMatchesTheLastComponent) {
  EXPECT_TRUE(path_glob_match("*.pem", "etc/ssl/test.pem"));
  EXPECT_TRUE(path_glob_match("*.properties", "app/lib.jar!/conf/a.properties"));
  EXPECT_FALSE(path_glob_match("*.pem", "etc/ssl/test.pem.txt"));
}

TEST(IgnoreGlobTest, TrailingSlashAndLeadingSlash) {
  EXPECT_TRUE(path_glob_match("/usr/share/doc/", "usr/share/doc/x/README"));
  EXPECT_FALSE(path_glob_match("usr/share/doc/", "usr/share/docs/README"));
}

// Speed is bounded by counting the matcher's steps, not by a clock: at most one pass over
// the text per pattern token, however the stars are placed.
TEST(IgnoreGlobTest, ManyStarsStayLinear) {
  std::string pattern;
  for (int i = 0; i < 100; ++i) pattern += "*a";
  pattern += "b";
  std::string text(4000, 'a');
  size_t steps = 0;
  EXPECT_FALSE(Glob::path(pattern).matches(text, &steps));
  EXPECT_GT(steps, 0u);
  EXPECT_LE(steps, (pattern.size() + 1) * (text.size() + 1));
}

TEST(IgnoreGlobTest, RunsOfStarsCostOnePass) {
  std::string text(4000, 'a');
  size_t rule_steps = 0, path_steps = 0;
  EXPECT_FALSE(Glob::rule(std::string(1000, '*') + "b").matches(text, &rule_steps));
  EXPECT_FALSE(Glob::path(std::string(1000, '*') + "b").matches(text, &path_steps));
  EXPECT_LE(rule_steps, 2 * (text.size() + 1));
  EXPECT_LE(path_steps, 2 * (text.size() + 1));
}

TEST(IgnoreGlobTest, StopsWhenNoPrefixCanMatch) {
  std::string text(4000, 'a');
  size_t steps = 0;
  EXPECT_FALSE(Glob::path("b" + std::string(500, '?')).matches(text, &steps));
  EXPECT_LE(steps, text.size() + 1);
}

TEST(IgnoreGlobTest, CompiledGlobMatchesLikeTheOneOffForm) {
  Glob docs = Glob::path("/usr/share/doc/");
  EXPECT_TRUE(docs.matches("./usr/share/doc/x/README"));
  EXPECT_FALSE(docs.matches("usr/share/docs/README"));
  Glob pem = Glob::path("*.pem");
  EXPECT_TRUE(pem.matches("etc/ssl/a.pem"));
  EXPECT_TRUE(pem.matches("b.pem"));
  EXPECT_TRUE(Glob::rule("generic.*").matches("generic.password"));
}

// ---- bounds ------------------------------------------------------------------------------

TEST(IgnoreFileTest, TooManyLineEntriesIsAnErrorNamingTheLine) {
  std::string text;
  for (size_t i = 0; i <= IgnoreFile::kMaxEntries; ++i)
    text += "rule=r" + std::to_string(i) + " # x\n";
  std::string error = parse_error(text);
  EXPECT_NE(error.find(".strataignore:" + std::to_string(IgnoreFile::kMaxEntries + 1)),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("more than " + std::to_string(IgnoreFile::kMaxEntries) + " entries"),
            std::string::npos)
      << error;
}

TEST(IgnoreFileTest, TooManyYamlEntriesIsAnError) {
  std::string text = "ignore:\n";
  for (size_t i = 0; i <= IgnoreFile::kMaxEntries; ++i) {
    text += "  - {rule: r" + std::to_string(i) + ", reason: x}\n";
  }
  EXPECT_NE(parse_error(text).find("more than"), std::string::npos);
}

TEST(IgnoreFileTest, AsManyEntriesAsAllowedParse) {
  std::string text;
  for (size_t i = 0; i < IgnoreFile::kMaxEntries; ++i)
    text += "rule=r" + std::to_string(i) + " # x\n";
  EXPECT_EQ(parsed(text).entries.size(), IgnoreFile::kMaxEntries);
}

// ---- applying --------------------------------------------------------------------------

TEST(IgnoreApplyTest, MatchingEntrySuppressesWithReasonAndPlace) {
  IgnoreFile f = parsed("# header\n" + fp('a') + " # rotated in March\n");
  std::vector<Finding> findings = {finding("npm.access-token", fp('a'), {"root/.npmrc"}),
                                   finding("npm.access-token", fp('b'), {"root/.npmrc"})};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  EXPECT_EQ(o.suppressed, 1u);
  EXPECT_TRUE(o.warnings.empty());
  ASSERT_TRUE(findings[0].suppression);
  EXPECT_EQ(findings[0].suppression->kind, "ignore-file");
  EXPECT_EQ(findings[0].suppression->reason, "rotated in March (.strataignore:2)");
  EXPECT_FALSE(findings[1].suppression);
}

TEST(IgnoreApplyTest, ExpiredEntryStopsSuppressingAndWarns) {
  IgnoreFile f = parsed(fp('a') + " expires=2026-06-14 # temporary\n");
  std::vector<Finding> findings = {finding("x", fp('a'), {"a"})};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  EXPECT_FALSE(findings[0].suppression);
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_NE(o.warnings[0].find(".strataignore:1"), std::string::npos);
  EXPECT_NE(o.warnings[0].find("expired on 2026-06-14"), std::string::npos);
}

TEST(IgnoreApplyTest, EntrySuppressesThroughItsExpiryDay) {
  IgnoreFile f = parsed(fp('a') + " expires=2026-06-15 # temporary\n");
  std::vector<Finding> findings = {finding("x", fp('a'), {"a"})};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  ASSERT_TRUE(findings[0].suppression);
  EXPECT_NE(findings[0].suppression->reason.find("until 2026-06-15"), std::string::npos);
  EXPECT_TRUE(o.warnings.empty());
}

TEST(IgnoreApplyTest, EntryMatchingNothingIsStale) {
  IgnoreFile f = parsed("rule=none.* # old rule\n");
  std::vector<Finding> findings = {finding("x", fp('a'), {"a"})};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  ASSERT_EQ(o.warnings.size(), 1u);
  EXPECT_NE(o.warnings[0].find(".strataignore:1: ignore entry matched no finding"),
            std::string::npos);
}

TEST(IgnoreApplyTest, PathMustMatchEveryLocation) {
  IgnoreFile f = parsed("path=docs/** # docs\n");
  std::vector<Finding> findings = {finding("x", fp('a'), {"docs/a.md", "docs/b/c.md"}),
                                   finding("x", fp('b'), {"docs/a.md", "app/.env"})};
  apply_ignore_file(f, findings, kToday);
  EXPECT_TRUE(findings[0].suppression);
  EXPECT_FALSE(findings[1].suppression);
}

TEST(IgnoreApplyTest, PathNeverMatchesAConfigLocation) {
  IgnoreFile f = parsed("path=** # everything in files\n");
  Finding config = finding("x", fp('a'), {});
  Location l;
  l.kind = LocationKind::kConfig;
  l.config_location = "config.Env[0]";
  config.locations.push_back(l);
  std::vector<Finding> findings = {config};
  apply_ignore_file(f, findings, kToday);
  EXPECT_FALSE(findings[0].suppression);
}

TEST(IgnoreApplyTest, AllSelectorsMustMatch) {
  IgnoreFile f = parsed("rule=generic.* path=*.md # docs\n");
  std::vector<Finding> findings = {finding("generic.password", fp('a'), {"x/README.md"}),
                                   finding("github.pat", fp('b'), {"x/README.md"}),
                                   finding("generic.password", fp('c'), {"x/app.py"})};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  EXPECT_EQ(o.suppressed, 1u);
  EXPECT_TRUE(findings[0].suppression);
}

TEST(IgnoreApplyTest, KeepsAnEarlierSuppression) {
  IgnoreFile f = parsed("rule=* # all\n");
  std::vector<Finding> findings = {finding("x", fp('a'), {"a"})};
  findings[0].suppression = Suppression{"rule-allow", "placeholder"};
  IgnoreOutcome o = apply_ignore_file(f, findings, kToday);
  EXPECT_EQ(findings[0].suppression->kind, "rule-allow");
  EXPECT_TRUE(o.warnings.empty());  // it matched, so it is not stale
}

TEST(IgnoreApplyTest, FormatsDates) {
  EXPECT_EQ(format_date(year_month_day{year(2026), month(1), day(2)}), "2026-01-02");
}

}  // namespace
}  // namespace strata
