#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "strata/report/reporters.hpp"
#include "support/gitlab_report_check.hpp"

namespace strata {
namespace {

using nlohmann::json;

class GitlabReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = std::string("npm") + "_" + std::string(36, 'G');
    report_.findings.push_back(make("npm.access-token", secret_, Severity::kCritical));
    report_.stats.seconds = 90;
  }

  static Finding make(const std::string& rule, const std::string& secret, Severity severity) {
    Finding f;
    f.rule_id = rule;
    f.rule_name = "npm access token";
    f.severity = severity;
    f.confidence = Confidence::kHigh;
    f.secret = SecretValue(secret);
    f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
    Location l;
    l.kind = LocationKind::kLayerFile;
    l.image = "app:1";
    l.layer_index = 3;
    l.path = "root/.npmrc";
    l.line = 2;
    f.locations.push_back(l);
    return f;
  }

  json render(const ReportOptions& options = {}) {
    std::ostringstream out;
    // 2026-08-13T12:00:00Z
    auto finished = std::chrono::system_clock::time_point(std::chrono::seconds(1786622400));
    write_gitlab_report(report_, out, options, finished);
    text_ = out.str();
    return json::parse(text_);
  }

  std::string secret_;
  std::string text_;
  ScanReport report_;
};

TEST_F(GitlabReporterTest, HasEveryRequiredField) { test::expect_gitlab_report_fields(render()); }

TEST_F(GitlabReporterTest, MapsAFinding) {
  json doc = render();
  ASSERT_EQ(doc["vulnerabilities"].size(), 1u);
  const json& v = doc["vulnerabilities"][0];
  EXPECT_EQ(v["severity"], "Critical");
  EXPECT_EQ(v["confidence"], "High");
  EXPECT_EQ(v["location"]["file"], "root/.npmrc");
  EXPECT_EQ(v["location"]["start_line"], 2);
  EXPECT_EQ(v["identifiers"][0]["value"], "npm.access-token");
}

TEST_F(GitlabReporterTest, RedactsUnlessRevealed) {
  json doc = render();
  EXPECT_EQ(text_.find(secret_), std::string::npos);
  EXPECT_FALSE(doc["vulnerabilities"][0].contains("raw_source_code_extract"));
  ReportOptions options;
  options.reveal = true;
  json revealed = render(options);
  EXPECT_EQ(revealed["vulnerabilities"][0]["raw_source_code_extract"], secret_);
}

TEST_F(GitlabReporterTest, LeavesOutSuppressedFindings) {
  report_.findings[0].suppression = Suppression{"baseline", "in baseline old.json"};
  EXPECT_TRUE(render()["vulnerabilities"].empty());
}

TEST_F(GitlabReporterTest, ScanTimesBracketTheScan) {
  json doc = render();
  EXPECT_EQ(doc["scan"]["end_time"], "2026-08-13T12:00:00");
  EXPECT_EQ(doc["scan"]["start_time"], "2026-08-13T11:58:30");
}

TEST_F(GitlabReporterTest, IncompleteScanFailsWithMessages) {
  report_.errors.push_back("layer 2: corrupt gzip");
  report_.warnings.push_back(".strataignore:3: ignore entry expired on 2020-01-01");
  json doc = render();
  EXPECT_EQ(doc["scan"]["status"], "failure");
  ASSERT_EQ(doc["scan"]["messages"].size(), 2u);
  EXPECT_EQ(doc["scan"]["messages"][1]["value"], report_.warnings[0]);
  test::expect_gitlab_report_fields(doc);
}

TEST_F(GitlabReporterTest, IdIsStableAndDistinct) {
  report_.findings.push_back(make("npm.access-token", secret_ + "x", Severity::kHigh));
  json a = render();
  json b = render();
  EXPECT_EQ(a["vulnerabilities"][0]["id"], b["vulnerabilities"][0]["id"]);
  EXPECT_NE(a["vulnerabilities"][0]["id"], a["vulnerabilities"][1]["id"]);
}

// GitLab's schema caps `solution` at 7000 characters and rejects the whole report past it.
TEST_F(GitlabReporterTest, SolutionStaysUnderTheSchemaCap) {
  for (int i = 0; i < 8; ++i) {
    RemediationStep step;
    step.kind = "build-secret";
    step.text = "Step " + std::to_string(i);
    // Multi-byte characters, so a byte cut could split one.
    for (int k = 0; k < 700; ++k) step.after += "\xC3\xA9";
    report_.findings[0].remediation.push_back(step);
  }
  json doc = render();
  std::string solution = doc["vulnerabilities"][0]["solution"].get<std::string>();
  EXPECT_LE(solution.size(), 6000u);
  EXPECT_NE(solution.find("Step 0"), std::string::npos);
  EXPECT_NE(solution.find("clipped"), std::string::npos);
  EXPECT_EQ(solution.find("\xEF\xBF\xBD"), std::string::npos) << "a character was cut";
}

TEST_F(GitlabReporterTest, ShortSolutionIsWhole) {
  RemediationStep step;
  step.kind = "rotate";
  step.text = "Revoke it.";
  report_.findings[0].remediation.push_back(step);
  EXPECT_EQ(render()["vulnerabilities"][0]["solution"], "- Revoke it.");
}

TEST_F(GitlabReporterTest, LocationFileDropsLeadingDotSlash) {
  report_.findings[0].locations[0].path = "./root/.npmrc";
  EXPECT_EQ(render()["vulnerabilities"][0]["location"]["file"], "root/.npmrc");
}

}  // namespace
}  // namespace strata
