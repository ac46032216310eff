// How reports show a finding's checksum validation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "strata/report/reporters.hpp"
#include "support/image_summary.hpp"

namespace strata {
namespace {

ScanReport report_with(ValidationState checksum) {
  Finding f;
  f.rule_id = "github.token";
  f.rule_name = "GitHub token";
  f.confidence = checksum == ValidationState::kInvalid ? Confidence::kLow : Confidence::kHigh;
  f.checksum = checksum;
  f.secret = SecretValue(std::string("gh") + "p_" + std::string(36, 'Q'));
  f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.image = "app:1";
  l.platform = "linux/amd64";
  l.layer_index = 0;
  l.path = "app/.env";
  l.line = 1;
  l.column = 14;
  f.locations.push_back(l);
  ScanReport report;
  report.images.push_back(test::summary_of("x.tar", 1));
  report.findings.push_back(f);
  return report;
}

nlohmann::json json_finding(ValidationState checksum) {
  std::ostringstream out;
  write_json_report(report_with(checksum), out, ReportOptions{});
  return nlohmann::json::parse(out.str())["findings"][0];
}

// The finding's header line: the line that names the rule.
std::string text_header(ValidationState checksum) {
  std::ostringstream out;
  write_text_report(report_with(checksum), out, ReportOptions{});
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("GitHub token") != std::string::npos) return line;
  }
  return "";
}

TEST(ValidationJsonTest, ValidChecksum) {
  EXPECT_EQ(json_finding(ValidationState::kValid)["validation"]["checksum"], "valid");
}

TEST(ValidationJsonTest, InvalidChecksum) {
  EXPECT_EQ(json_finding(ValidationState::kInvalid)["validation"]["checksum"], "invalid");
}

TEST(ValidationJsonTest, RuleWithoutChecksumSaysNotApplicable) {
  EXPECT_EQ(json_finding(ValidationState::kNotApplicable)["validation"]["checksum"],
            "not-applicable");
}

TEST(ValidationTextTest, HeaderSaysChecksumValid) {
  std::string header = text_header(ValidationState::kValid);
  EXPECT_NE(header.find("checksum valid"), std::string::npos) << header;
}

TEST(ValidationTextTest, HeaderSaysChecksumInvalid) {
  std::string header = text_header(ValidationState::kInvalid);
  EXPECT_NE(header.find("checksum invalid"), std::string::npos) << header;
}

TEST(ValidationTextTest, HeaderOmitsChecksumWhenNotApplicable) {
  std::string header = text_header(ValidationState::kNotApplicable);
  ASSERT_FALSE(header.empty());
  EXPECT_EQ(header.find("checksum"), std::string::npos) << header;
}

}  // namespace
}  // namespace strata
