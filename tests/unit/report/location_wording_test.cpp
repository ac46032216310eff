#include "location_wording.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "strata/report/reporters.hpp"

namespace strata {
namespace {

Location layer_file() {
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.image = "app:1";
  l.layer_index = 2;
  l.layer_digest = "sha256:" + std::string(64, 'd');
  l.path = "app/id_rsa";
  l.history_step = 6;
  return l;
}

TEST(LocationWordingTest, FatesSayWhereTheFileWentAndThatItIsStillExtractable) {
  Location l = layer_file();
  EXPECT_EQ(fate_phrase(l), "present in the final image");
  l.fate = Fate{FateKind::kDeleted, 8};
  EXPECT_EQ(fate_phrase(l), "deleted in layer 8 — still extractable");
  l.fate = Fate{FateKind::kOverwritten, 9};
  EXPECT_EQ(fate_phrase(l), "overwritten in layer 9 — still extractable");
  l.fate = Fate{FateKind::kHiddenByOpaque, 7};
  EXPECT_EQ(fate_phrase(l), "hidden by an opaque directory in layer 7 — still extractable");
  l.kind = LocationKind::kConfig;
  l.fate = Fate{FateKind::kNotInFilesystem, std::nullopt};
  EXPECT_EQ(fate_phrase(l), "stored in the image configuration");
  l.kind = LocationKind::kAttestation;
  EXPECT_EQ(fate_phrase(l), "stored in an attestation");
}

TEST(LocationWordingTest, HistoryPhraseNamesTheStepOrTheSquashedRange) {
  Location l = layer_file();
  EXPECT_EQ(history_phrase(l), "history step 6");
  l.history_last = 9;
  EXPECT_EQ(history_phrase(l), "history steps 6–9 (squashed)");
  l.history_step.reset();
  EXPECT_EQ(history_phrase(l), "");
}

TEST(LocationWordingTest, WherePhraseInPlainTextAndMarkdown) {
  Location l = layer_file();
  EXPECT_EQ(where_phrase(l), "app/id_rsa in layer 2, history step 6");
  EXPECT_EQ(where_phrase(l, {.markdown = true, .layer_digest = true}),
            "`app/id_rsa` in layer 2 (" + l.layer_digest + "), history step 6");
  Location config;
  config.kind = LocationKind::kConfig;
  config.config_location = "history[4].created_by";
  config.history_step = 4;
  config.build_arg = "NPM_TOKEN";
  EXPECT_EQ(where_phrase(config), "history[4].created_by, history step 4, build arg NPM_TOKEN");
  EXPECT_EQ(where_phrase(config, {.markdown = true}),
            "`history[4].created_by`, history step 4, build arg NPM_TOKEN");
  config.config_location.clear();
  config.history_step.reset();
  config.build_arg.clear();
  EXPECT_EQ(where_phrase(config), "config");
}

// The text, SARIF and GitLab reports word a location's fate the same way.
TEST(LocationWordingTest, EveryReportSaysTheSameFate) {
  ScanReport report;
  Finding f;
  f.rule_id = "ssh.private-key";
  f.rule_name = "SSH private key file";
  f.secret_is_path = true;
  f.secret = SecretValue("app/id_rsa");
  f.fingerprint = std::string(32, 'a');
  Location l = layer_file();
  l.fate = Fate{FateKind::kDeleted, 8};
  f.locations.push_back(l);
  report.findings.push_back(f);
  std::ostringstream text, sarif, gitlab;
  write_text_report(report, text, {});
  write_sarif_report(report, RuleSet{}, sarif, {});
  write_gitlab_report(report, gitlab, {});
  for (const std::string& out : {text.str(), sarif.str(), gitlab.str()}) {
    EXPECT_NE(out.find("deleted in layer 8 — still extractable"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace strata
