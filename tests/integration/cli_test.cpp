// The binary's rule selection (--disable-rule, --only-rules, --severity, .strata.yml,
// --config) and checksum validation, on a small directory the test writes.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/test_env.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

const std::string kDigits =
    "0123456789" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "abcdefghijklmnopqrstuvwxyz";

std::string random_base62(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kDigits[rng() % 62]);
  return out;
}

// PREFIX + 30 random base62 + base62(crc32(random)) zero-padded to 6, computed here.
std::string checksummed(const std::string& prefix, uint32_t seed) {
  std::string random = random_base62(30, seed);
  auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(random.data()), static_cast<uInt>(random.size())));
  std::string check;
  for (int i = 0; i < 6; ++i, crc /= 62) check.insert(check.begin(), kDigits[crc % 62]);
  return prefix + random + check;
}

// A directory with a GitHub token (valid checksum) and an npm token (checksum broken).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    github_ = checksummed(std::string("gh") + "p_", 21);
    npm_ = checksummed(std::string("np") + "m_", 22);
    npm_.back() = npm_.back() == 'A' ? 'B' : 'A';
    write_file(root() + "/app/settings.txt",
               "GITHUB_TOKEN=" + github_ + "\nNPM_TOKEN=" + npm_ + "\n");
  }

  std::string root() const { return dir_.path() + "/rootfs"; }

  // `strata scan ROOT ARGS... --format json --reveal`, with the exit code checked.
  json scan(std::vector<std::string> args, int expected_exit = 1) {
    std::vector<std::string> full = {"scan", root(), "--format", "json", "--reveal"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult r = run_strata(full);
    EXPECT_EQ(r.exit_code, expected_exit) << r.err;
    json j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  static const json* finding(const json& report, const std::string& rule_id) {
    if (!report.contains("findings")) return nullptr;
    for (const json& f : report["findings"]) {
      if (f["rule_id"] == rule_id) return &f;
    }
    return nullptr;
  }

  static std::vector<std::string> rule_ids(const json& report) {
    std::vector<std::string> out;
    if (!report.contains("findings")) return out;
    for (const json& f : report["findings"]) out.push_back(f["rule_id"]);
    return out;
  }

  TempDir dir_;
  std::string github_;
  std::string npm_;
};

// Runs the binary from another directory, restoring the old one afterwards.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::string& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedCwd() { std::filesystem::current_path(old_); }

 private:
  std::filesystem::path old_;
};

// A path on disk wins over an image reference of the same spelling: in a directory holding
// ./app, `strata scan app` scans that directory, where it would otherwise ask Docker Hub for
// library/app (unreachable here: exit 2).
TEST_F(CliTest, APathOnDiskWinsOverAReferenceOfTheSameSpelling) {
  struct InDirectory {
    std::filesystem::path previous = std::filesystem::current_path();
    explicit InDirectory(const std::string& dir) { std::filesystem::current_path(dir); }
    ~InDirectory() { std::filesystem::current_path(previous); }
  };
  RunResult r;
  {
    InDirectory in(root());
    r = run_strata({"scan", "app", "--format", "json", "--reveal"});
  }
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find(github_), std::string::npos) << r.out;
}

TEST_F(CliTest, ValidChecksumRaisesConfidenceAndIsReported) {
  json report = scan({"--only-rules", "github.token,npm.access-token"});
  const json* f = finding(report, "github.token");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["secret"]["value"], github_);
  EXPECT_EQ((*f)["validation"]["checksum"], "valid");
  EXPECT_EQ((*f)["confidence"], "high");
}

TEST_F(CliTest, InvalidChecksumLowersConfidenceButIsStillReported) {
  json report = scan({"--only-rules", "github.token,npm.access-token"});
  const json* f = finding(report, "npm.access-token");
  ASSERT_NE(f, nullptr) << report.dump();
  EXPECT_EQ((*f)["secret"]["value"], npm_);
  EXPECT_EQ((*f)["validation"]["checksum"], "invalid");
  EXPECT_EQ((*f)["confidence"], "low");
}

TEST_F(CliTest, TextReportNamesTheChecksumState) {
  RunResult r = run_strata({"scan", root(), "--only-rules", "github.token,npm.access-token"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("checksum valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("checksum invalid"), std::string::npos) << r.out;
}

TEST_F(CliTest, OnlyRulesKeepsJustThoseRules) {
  json report = scan({"--only-rules", "github.*"});
  std::vector<std::string> ids = rule_ids(report);
  EXPECT_FALSE(ids.empty());
  EXPECT_TRUE(std::ranges::all_of(ids, [](const std::string& id) {
    return id.starts_with("github.");
  })) << report.dump();
}

TEST_F(CliTest, DisableRuleDropsItsFindingsAndChangesTheHash) {
  json both = scan({"--only-rules", "github.token,npm.access-token"});
  json one =
      scan({"--only-rules", "github.token,npm.access-token", "--disable-rule", "npm.access-token"});
  EXPECT_NE(finding(both, "npm.access-token"), nullptr);
  EXPECT_EQ(finding(one, "npm.access-token"), nullptr);
  EXPECT_NE(finding(one, "github.token"), nullptr);
  EXPECT_NE(both["rules_hash"], one["rules_hash"]);
}

TEST_F(CliTest, DisableRuleIsRepeatable) {
  json report = scan({"--only-rules", "github.token,npm.access-token", "--disable-rule",
                      "npm.access-token", "--disable-rule", "github.token"},
                     0);
  EXPECT_TRUE(rule_ids(report).empty()) << report.dump();
}

TEST_F(CliTest, SelectionOptionsBeforeTheTargetTakeOneValueEach) {
  RunResult r = run_strata({"scan", "--only-rules", "github.token", "--disable-rule",
                            "npm.access-token", root(), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json report = json::parse(r.out, nullptr, false);
  EXPECT_EQ(rule_ids(report), std::vector<std::string>{"github.token"}) << r.out;
}

TEST_F(CliTest, UnknownDisabledRuleIsAUsageErrorNamingIt) {
  RunResult r = run_strata({"scan", root(), "--disable-rule", "github.tokne"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("github.tokne"), std::string::npos) << r.err;
}

TEST_F(CliTest, SeverityOverrideChangesTheFindingsSeverity) {
  json report =
      scan({"--only-rules", "github.token,npm.access-token", "--severity", "github.token=low"});
  const json* f = finding(report, "github.token");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)["severity"], "low");
}

TEST_F(CliTest, MalformedSeverityOverrideIsAUsageError) {
  RunResult r = run_strata({"scan", root(), "--severity", "github.token"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliTest, ConfigFileInTheCurrentDirectoryIsRead) {
  std::string work = dir_.path() + "/work";
  write_file(work + "/.strata.yml",
             "only_rules: [github.token, npm.access-token]\n"
             "disable_rules: [npm.access-token]\n"
             "severity:\n  github.token: critical\n");
  ScopedCwd cwd(work);
  json report = scan({});
  EXPECT_EQ(rule_ids(report), std::vector<std::string>{"github.token"}) << report.dump();
  ASSERT_NE(finding(report, "github.token"), nullptr);
  EXPECT_EQ((*finding(report, "github.token"))["severity"], "critical");
}

TEST_F(CliTest, CommandLineAddsToAndOverridesTheConfigFile) {
  std::string config = dir_.path() + "/conf/strata.yml";
  write_file(config,
             "only_rules: [npm.access-token]\n"
             "severity:\n  github.token: critical\n");
  // --only-rules replaces the config's list; --severity overrides its entry.
  json report = scan(
      {"--config", config, "--only-rules", "github.token", "--severity", "github.token=medium"});
  EXPECT_EQ(rule_ids(report), std::vector<std::string>{"github.token"}) << report.dump();
  ASSERT_NE(finding(report, "github.token"), nullptr);
  EXPECT_EQ((*finding(report, "github.token"))["severity"], "medium");
}

TEST_F(CliTest, ConfigRulesAreRelativeToTheConfigFile) {
  std::string config = dir_.path() + "/conf/strata.yml";
  write_file(dir_.path() + "/conf/extra/team.yml",
             "rules:\n  - id: team.marker\n    name: Team marker\n"
             "    pattern: '\\b(?P<secret>TEAMSECRET[0-9]{4})\\b'\n    severity: low\n");
  write_file(config, "rules: [extra/team.yml]\nonly_rules: [team.marker]\n");
  write_file(root() + "/app/notes.txt", "marker TEAMSECRET1234 here\n");
  json report = scan({"--config", config});
  EXPECT_EQ(rule_ids(report), std::vector<std::string>{"team.marker"}) << report.dump();
}

TEST_F(CliTest, MissingConfigFileIsAUsageError) {
  RunResult r = run_strata({"scan", root(), "--config", dir_.path() + "/nope.yml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.yml"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownConfigKeyIsAnError) {
  std::string config = dir_.path() + "/bad.yml";
  write_file(config, "disable_rule: [github.token]\n");
  RunResult r = run_strata({"scan", root(), "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("disable_rule"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnknownIdInConfigIsAnError) {
  std::string config = dir_.path() + "/typo.yml";
  write_file(config, "disable_rules: [generic.pasword]\n");
  RunResult r = run_strata({"scan", root(), "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("generic.pasword"), std::string::npos) << r.err;
}

// The last line of `rules list`: "N rules (…), rule-set hash sha256:…".
std::string list_summary(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"rules", "list"};
  full.insert(full.end(), args.begin(), args.end());
  RunResult r = run_strata(full);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

TEST_F(CliTest, RulesListHonoursSelectionAndMatchesTheScanHash) {
  std::string all = list_summary({});
  std::string two = list_summary({"--only-rules", "github.token,npm.access-token"});
  EXPECT_NE(all, two);
  EXPECT_TRUE(two.starts_with("2 rules")) << two;
  json report = scan({"--only-rules", "github.token,npm.access-token"});
  EXPECT_NE(two.find(report["rules_hash"].get<std::string>()), std::string::npos) << two;
}

TEST_F(CliTest, RulesListAppliesSeverityOverrides) {
  RunResult r = run_strata(
      {"rules", "list", "--only-rules", "npm.access-token", "--severity", "npm.access-token=info"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("npm.access-token  info"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace strata::test

namespace strata::test {
namespace {

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.push_back(e.path().filename().string());
  }
  return out;
}

bool any_starts_with(const std::vector<std::string>& names, const std::string& prefix) {
  return std::ranges::any_of(names, [&](const std::string& n) { return n.starts_with(prefix); });
}

// A fresh machine has no cache: the database the build compiled beside the binary is loaded,
// so nothing is compiled into the user's cache; other rules are compiled there as before.
TEST(ShippedRules, ColdStartLoadsTheDatabaseBesideTheBinary) {
  TempDir cache, target;
  write_file(target.path() + "/a.txt", "nothing here\n");
  std::vector<std::string> env = {"STRATA_CACHE_DIR=" + cache.path(), "STRATA_NO_CACHE="};
  RunResult bundled = run_strata_env({"scan", target.path(), "-q"}, env);
  ASSERT_EQ(bundled.exit_code, 0) << bundled.err;
  EXPECT_FALSE(any_starts_with(files_in(cache.path()), "hs-"));
  EXPECT_FALSE(any_starts_with(files_in(cache.path()), "rules-"));  // parsed rules shipped too

  RunResult fewer =
      run_strata_env({"scan", target.path(), "-q", "--only-rules", "github.token"}, env);
  ASSERT_EQ(fewer.exit_code, 0) << fewer.err;
  EXPECT_TRUE(any_starts_with(files_in(cache.path()), "hs-"));
}

TEST(ShippedRules, CompileWritesAReadableDatabase) {
  TempDir dir;
  RunResult r = run_strata({"rules", "compile", dir.path() + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names = files_in(dir.path() + "/out");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_TRUE(any_starts_with(names, "hs-"));
  EXPECT_TRUE(any_starts_with(names, "rules-"));
  for (const std::string& name : names) {
    auto perms = std::filesystem::status(dir.path() + "/out/" + name).permissions();
    EXPECT_NE(perms & std::filesystem::perms::others_read, std::filesystem::perms::none) << name;
  }
}

}  // namespace
}  // namespace strata::test
