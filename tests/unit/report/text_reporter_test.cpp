// The text report for people: colors only when asked, remediation steps, warnings, summary.
#include <gtest/gtest.h>

#include <sstream>

#include "strata/report/reporters.hpp"
#include "support/image_summary.hpp"

namespace strata {
namespace {

ScanReport leaky_report(const std::string& secret) {
  Finding f;
  f.rule_id = "stripe.live-secret-key";
  f.rule_name = "Stripe live secret key";
  f.severity = Severity::kCritical;
  f.confidence = Confidence::kHigh;
  f.secret = SecretValue(secret);
  f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
  Location env;
  env.kind = LocationKind::kConfig;
  env.config_location = "config.Env[1]";
  env.fate.kind = FateKind::kNotInFilesystem;
  Location file;
  file.kind = LocationKind::kLayerFile;
  file.layer_index = 1;
  file.layer_digest = "sha256:" + std::string(64, 'c');
  file.path = "app/.env";
  file.line = 2;
  file.column = 8;
  f.locations = {env, file};
  RemediationStep build;
  build.kind = "runtime-env";
  build.text = "Pass it at run time instead of baking it into the image.";
  build.before = "ENV STRIPE_KEY=" + secret;  // a recorded instruction may quote the secret
  build.after = "# (no ENV line)";
  build.command = "docker run -e STRIPE_KEY app";
  RemediationStep ignore;
  ignore.kind = "dockerignore";
  ignore.text = "Keep it out of the build context.";
  ignore.lines = {".env", "**/.env"};
  RemediationStep rotate;
  rotate.kind = "rotate";
  rotate.text = "Rotate the Stripe key.";
  f.remediation = {build, ignore, rotate};
  ScanReport report;
  report.findings.push_back(f);
  report.images.push_back(test::summary_of("x.tar", 2));
  report.stats.layers = 2;
  report.stats.files = 9;
  return report;
}

class TextReporterTest : public ::testing::Test {
 protected:
  std::string secret_ = std::string("sk") + "_live_" + std::string(24, 'Q');
  ScanReport report_ = leaky_report(secret_);

  std::string render(ReportOptions options = {}) {
    std::ostringstream out;
    write_text_report(report_, out, options);
    return out.str();
  }
};

TEST_F(TextReporterTest, NoEscapeCodesWithoutColor) {
  EXPECT_EQ(render().find('\x1b'), std::string::npos);
}

TEST_F(TextReporterTest, ColorsSeverityWhenAsked) {
  ReportOptions options;
  options.color = true;
  std::string text = render(options);
  EXPECT_NE(text.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos);
  EXPECT_EQ(text.find(secret_), std::string::npos);
}

TEST_F(TextReporterTest, ShowsEveryRemediationStepRedacted) {
  std::string text = render();
  EXPECT_EQ(text.find(secret_), std::string::npos);
  EXPECT_NE(text.find("- ENV STRIPE_KEY="), std::string::npos);
  EXPECT_NE(text.find("+ # (no ENV line)"), std::string::npos);
  EXPECT_NE(text.find("$ docker run -e STRIPE_KEY app"), std::string::npos);
  EXPECT_NE(text.find("  **/.env"), std::string::npos);
  EXPECT_LT(text.find("Keep it out"), text.find("Rotate the Stripe key."));
}

TEST_F(TextReporterTest, RevealShowsTheRecordedInstructionWhole) {
  ReportOptions options;
  options.reveal = true;
  EXPECT_NE(render(options).find("- ENV STRIPE_KEY=" + secret_), std::string::npos);
}

TEST_F(TextReporterTest, SummaryCountsSeverityFateAndScope) {
  report_.findings[0].locations[1].fate = Fate{FateKind::kDeleted, 2};
  std::string text = render();
  EXPECT_NE(text.find("1 finding (1 critical): 0 in the final filesystem, 1 deleted or "
                      "overwritten but still extractable"),
            std::string::npos);
  EXPECT_NE(text.find("2 layers, 9 files"), std::string::npos);
}

TEST_F(TextReporterTest, ConfigOnlyFindingsAreCountedApart) {
  report_.findings[0].locations.pop_back();
  EXPECT_NE(render().find(", 1 in the config only"), std::string::npos);
}

TEST_F(TextReporterTest, WarningsArePrinted) {
  report_.warnings.push_back(".strataignore:3: expired on 2026-01-01; no longer suppressing");
  EXPECT_NE(render().find("warning: .strataignore:3: expired"), std::string::npos);
}

TEST_F(TextReporterTest, SuppressedLineNamesEachKind) {
  Finding baselined = report_.findings[0];
  baselined.suppression = Suppression{"baseline", "in baseline old.json"};
  Finding ignored = report_.findings[0];
  ignored.suppression = Suppression{"ignore-file", "rotated already (.strataignore:2)"};
  report_.findings = {report_.findings[0], baselined, ignored, ignored};
  std::string text = render();
  EXPECT_NE(text.find("3 suppressed (1 baseline, 2 ignore-file); --show-suppressed shows them"),
            std::string::npos);
  EXPECT_EQ(text.find("rotated already"), std::string::npos);
  ReportOptions options;
  options.show_suppressed = true;
  EXPECT_NE(render(options).find("rotated already (.strataignore:2)"), std::string::npos);
}

TEST_F(TextReporterTest, ImageTextCannotDriveTheTerminal) {
  report_.findings[0].locations[1].path = "app/\x1b]0;owned\x07.env";
  report_.images[0].base_name = "evil\x1b[2J";
  report_.images[0].first_own_layer = 1;
  std::string text = render();
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("app/\\x1b]0;owned\\x07.env"), std::string::npos);
  EXPECT_NE(text.find("evil\\x1b[2J, layer 0"), std::string::npos);
}

TEST_F(TextReporterTest, FixesQuotePlaceholdersThatARuleAllowed) {
  // A rule's allow list let `${NPM_TOKEN}` through: no secret, and the rewritten line quotes it.
  Finding placeholder;
  placeholder.rule_id = "npm.access-token";
  placeholder.secret = SecretValue("${NPM_" + std::string("TOKEN}"));
  placeholder.suppression = Suppression{"rule-allow", "placeholder"};
  report_.findings[0].remediation[0].after = "RUN echo ${NPM_TOKEN} > /dev/null";
  report_.findings.push_back(placeholder);
  EXPECT_NE(render().find("+ RUN echo ${NPM_TOKEN} > /dev/null"), std::string::npos);
}

}  // namespace
}  // namespace strata
