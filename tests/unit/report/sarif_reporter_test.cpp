#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "strata/report/reporters.hpp"

namespace strata {
namespace {

using nlohmann::json;

// Two findings of two rules: a build-arg npm token also left in a deleted layer file with
// a space in its path, and a suppressed generic secret.
class SarifReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = std::string("npm") + "_" + std::string(36, 'K');
    generic_ = std::string("pass") + "word-" + std::string(20, 'z');

    Rule npm;
    npm.id = "npm.access-token";
    npm.name = "npm access token";
    npm.description = "An npm registry token that can publish packages.";
    npm.severity = Severity::kCritical;
    npm.confidence = Confidence::kHigh;
    npm.categories = {"package-registry"};
    Rule generic;
    generic.id = "generic.password";
    generic.name = "Generic password";
    generic.severity = Severity::kMedium;
    generic.confidence = Confidence::kLow;
    rules_.rules = {npm, generic};

    Finding f;
    f.rule_id = npm.id;
    f.rule_name = npm.name;
    f.severity = Severity::kCritical;
    f.confidence = Confidence::kHigh;
    f.secret = SecretValue(secret_);
    f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
    Location config;
    config.kind = LocationKind::kConfig;
    config.image = "app:1";
    config.platform = "linux/amd64";
    config.config_location = "history[4].created_by";
    config.history_step = 4;
    config.build_arg = "NPM_TOKEN";
    config.created_by = "|1 NPM_TOKEN=" + secret_ + " /bin/sh -c npm ci";
    config.fate.kind = FateKind::kNotInFilesystem;
    Location file;
    file.image = "app:1";
    file.platform = "linux/amd64";
    file.layer_index = 4;
    file.layer_digest = "sha256:" + std::string(64, 'a');
    file.path = "root/my app/.npmrc";
    file.line = 3;
    file.column = 35;
    file.history_step = 4;
    file.fate = Fate{FateKind::kDeleted, 6};
    f.locations = {config, file};
    report_.findings.push_back(f);

    Finding g;
    g.rule_id = generic.id;
    g.rule_name = generic.name;
    g.severity = Severity::kMedium;
    g.confidence = Confidence::kLow;
    g.secret = SecretValue(generic_);
    g.fingerprint = finding_fingerprint(g.rule_id, g.secret);
    g.suppression = Suppression{"default-path-allowlist", "usr/share/doc/**"};
    Location doc;
    doc.image = "app:1";
    doc.platform = "linux/amd64";
    doc.layer_index = 0;
    doc.layer_digest = "sha256:" + std::string(64, 'b');
    doc.path = "usr/share/doc/x#1.jar!/a b.txt";
    g.locations = {doc};
    report_.findings.push_back(g);
  }

  json render(ReportOptions options = {}) {
    std::ostringstream out;
    write_sarif_report(report_, rules_, out, options);
    text_ = out.str();
    return json::parse(text_);
  }
  const json& result(const json& log, const std::string& rule_id) {
    for (const json& r : log["runs"][0]["results"]) {
      if (r["ruleId"] == rule_id) return r;
    }
    static const json kNull;
    ADD_FAILURE() << "no result for " << rule_id;
    return kNull;
  }
  const json& rule(const json& log, const std::string& rule_id) {
    for (const json& d : log["runs"][0]["tool"]["driver"]["rules"]) {
      if (d["id"] == rule_id) return d;
    }
    static const json kNull;
    ADD_FAILURE() << "no rule " << rule_id;
    return kNull;
  }

  std::string secret_;
  std::string generic_;
  RuleSet rules_;
  ScanReport report_;
  std::string text_;
};

TEST_F(SarifReporterTest, HasVersionSchemaAndOneRun) {
  json log = render();
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_NE(log["$schema"].get<std::string>().find("sarif-2.1.0"), std::string::npos);
  ASSERT_EQ(log["runs"].size(), 1u);
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["name"], "strata");
  EXPECT_FALSE(log["runs"][0]["tool"]["driver"].contains("informationUri"));
}

TEST_F(SarifReporterTest, OneRulePerReportedRuleWithMatchingRuleIndex) {
  json log = render();
  const json& descriptors = log["runs"][0]["tool"]["driver"]["rules"];
  EXPECT_EQ(descriptors.size(), 2u);
  for (const json& r : log["runs"][0]["results"]) {
    EXPECT_EQ(descriptors[r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
  }
}

TEST_F(SarifReporterTest, RuleCarriesDescriptionSeverityPrecisionAndTags) {
  json log = render();
  const json& d = rule(log, "npm.access-token");
  EXPECT_EQ(d["shortDescription"]["text"], "npm access token");
  EXPECT_EQ(d["fullDescription"]["text"], rules_.rules[0].description);
  EXPECT_EQ(d["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(d["properties"]["security-severity"], "9.5");
  EXPECT_EQ(d["properties"]["precision"], "high");
  EXPECT_EQ(d["properties"]["tags"], json::array({"security", "secret", "package-registry"}));
  EXPECT_NE(d["help"]["markdown"].get<std::string>().find("--mount=type=secret"),
            std::string::npos);
}

TEST_F(SarifReporterTest, FullDescriptionFallsBackToName) {
  json log = render();
  const json& d = rule(log, "generic.password");
  EXPECT_EQ(d["fullDescription"]["text"], "Generic password");
  EXPECT_EQ(d["properties"]["security-severity"], "5.5");
  EXPECT_EQ(d["defaultConfiguration"]["level"], "warning");
}

TEST_F(SarifReporterTest, LayerFileUriIsRelativeAndPercentEncoded) {
  json log = render();
  const json& r = result(log, "npm.access-token");
  const json& related = r["relatedLocations"][0]["physicalLocation"];
  EXPECT_EQ(related["artifactLocation"]["uri"], "image/4/root/my%20app/.npmrc");
  EXPECT_EQ(related["region"]["startLine"], 3);
  EXPECT_EQ(related["region"]["startColumn"], 35);
  const json& doc = result(log, "generic.password")["locations"][0]["physicalLocation"];
  EXPECT_EQ(doc["artifactLocation"]["uri"], "image/0/usr/share/doc/x%231.jar!/a%20b.txt");
}

TEST_F(SarifReporterTest, ConfigLocationPointsAtConfigLineOne) {
  json log = render();
  const json& loc = result(log, "npm.access-token")["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "image/config.json");
  EXPECT_EQ(loc["region"]["startLine"], 1);
  EXPECT_FALSE(loc["region"].contains("startColumn"));
}

TEST_F(SarifReporterTest, EveryUriIsRelative) {
  json log = render();
  for (const json& r : log["runs"][0]["results"]) {
    std::vector<json> locs(r["locations"].begin(), r["locations"].end());
    if (r.contains("relatedLocations")) {
      locs.insert(locs.end(), r["relatedLocations"].begin(), r["relatedLocations"].end());
    }
    for (const json& l : locs) {
      std::string uri = l["physicalLocation"]["artifactLocation"]["uri"];
      EXPECT_EQ(uri.find(':'), std::string::npos) << uri;
      EXPECT_NE(uri.front(), '/') << uri;
    }
  }
}

TEST_F(SarifReporterTest, PartialFingerprintIsTheFindingFingerprint) {
  json log = render();
  EXPECT_EQ(result(log, "npm.access-token")["partialFingerprints"]["strataFingerprint/v1"],
            report_.findings[0].fingerprint);
}

TEST_F(SarifReporterTest, SuppressedFindingKeptWithExternalSuppression) {
  json log = render();
  EXPECT_EQ(log["runs"][0]["results"].size(), 2u);
  const json& r = result(log, "generic.password");
  ASSERT_EQ(r["suppressions"].size(), 1u);
  EXPECT_EQ(r["suppressions"][0]["kind"], "external");
  EXPECT_NE(r["suppressions"][0]["justification"].get<std::string>().find("usr/share/doc/**"),
            std::string::npos);
  EXPECT_FALSE(result(log, "npm.access-token").contains("suppressions"));
}

TEST_F(SarifReporterTest, ResultPropertiesDescribePrimaryLocation) {
  json log = render();
  const json& p = result(log, "npm.access-token")["properties"];
  EXPECT_EQ(p["build_arg"], "NPM_TOKEN");
  EXPECT_EQ(p["history_step"], 4);
  EXPECT_EQ(p["image"], "app:1");
  EXPECT_EQ(p["platform"], "linux/amd64");
  const json& rp = result(log, "npm.access-token")["relatedLocations"][0]["properties"];
  EXPECT_EQ(rp["fate"], "deleted");
  EXPECT_EQ(rp["changed_in_layer"], 6);
  EXPECT_EQ(rp["layer_digest"], report_.findings[0].locations[1].layer_digest);
}

TEST_F(SarifReporterTest, NoSecretValueWithoutReveal) {
  render();
  EXPECT_EQ(text_.find(secret_), std::string::npos);
  EXPECT_EQ(text_.find(generic_), std::string::npos);
  EXPECT_NE(text_.find(report_.findings[0].secret.redacted()), std::string::npos);
}

TEST_F(SarifReporterTest, RevealShowsSecretInMessage) {
  ReportOptions options;
  options.reveal = true;
  json log = render(options);
  EXPECT_NE(result(log, "npm.access-token")["message"]["text"].get<std::string>().find(secret_),
            std::string::npos);
}

TEST_F(SarifReporterTest, OutputIsDeterministic) {
  render();
  std::string first = text_;
  render();
  EXPECT_EQ(first, text_);
}

TEST_F(SarifReporterTest, EmptyReportHasNoRulesAndNoResults) {
  report_.findings.clear();
  json log = render();
  EXPECT_TRUE(log["runs"][0]["tool"]["driver"]["rules"].empty());
  EXPECT_TRUE(log["runs"][0]["results"].empty());
}

}  // namespace
}  // namespace strata
