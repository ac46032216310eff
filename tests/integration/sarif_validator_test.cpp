// `strata scan --format sarif` on a real buildah image, checked by Microsoft's SARIF validator
// (@microsoft/sarif-multitool, installed by scripts/install-deps.sh) with the SARIF and GitHub
// Advanced Security rule sets: no validator result may be an error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

namespace fs = std::filesystem;

// $STRATA_SARIF_MULTITOOL, else the install-deps.sh cache; "" when neither exists.
std::string find_validator() {
  if (const char* env = std::getenv("STRATA_SARIF_MULTITOOL"); env && *env) {
    return fs::exists(env) ? env : "";
  }
  const char* home = std::getenv("HOME");
  if (!home) return "";
  std::string path = std::string(home) +
                     "/.cache/strata-tools/sarif/node_modules/@microsoft/"
                     "sarif-multitool-linux/Sarif.Multitool";
  return fs::exists(path) ? path : "";
}

// The validator's GitHub rules (GH1001-GH1007: locations, regions, relative URIs, array
// limits) are disabled by default; this policy turns them on as errors.
constexpr const char* kGithubPolicy = R"(<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key='GH1001.ProvideRequiredLocationProperties.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1002.InlineThreadFlowLocations.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1003.ProvideRequiredRegionProperties.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1004.ReviewArraysThatExceedConfigurableDefaults.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1005.LocationsMustBeRelativeUrisOrFilePaths.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1006.ProvideCheckoutPath.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
  <Properties Key='GH1007.ProvideFullyFormedArtifactLocations.Options'>
    <Property Key='RuleEnabled' Value='Error' /></Properties>
</Properties>
)";

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string rule_and_text(const json& r) {
  std::string text = r.value("ruleId", "?") + ": ";
  if (r.contains("message") && r["message"].contains("arguments")) {
    text += r["message"]["arguments"].dump();
  }
  return text;
}

TEST(SarifValidatorTest, BuildahLeakyReportHasNoValidatorErrors) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  std::string validator = find_validator();
  if (validator.empty()) {
    STRATA_SKIP_OR_FAIL()
        << "SARIF validator not installed: run scripts/install-deps.sh (it installs "
           "@microsoft/sarif-multitool 5.7.0 into ~/.cache/strata-tools/sarif) or set "
           "STRATA_SARIF_MULTITOOL";
  }
  TempDir dir;
  std::string report = dir.path() + "/strata.sarif";
  std::string verdict = dir.path() + "/validation.sarif";
  std::string policy = dir.path() + "/github.config.xml";
  write_file(policy, kGithubPolicy);
  RunResult scan = run_strata({"scan", tar, "--format", "sarif", "-o", report});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  json log = json::parse(read_file(report), nullptr, false);
  ASSERT_TRUE(log.is_object()) << "strata wrote no JSON";
  ASSERT_FALSE(log["runs"][0]["results"].empty());

  std::string command = "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 300 " +
                        shell_quoted(validator) + " validate " + shell_quoted(report) +
                        " --rule-kind 'Ghas;Sarif' -c " + shell_quoted(policy) +
                        " --log ForceOverwrite -o " + shell_quoted(verdict) + " > " +
                        shell_quoted(dir.path() + "/validator.log") + " 2>&1";
  // No ICU needed: the validator runs in .NET's invariant globalization mode.
  int status = std::system(command.c_str());
  std::string console = fs::exists(dir.path() + "/validator.log")
                            ? read_file(dir.path() + "/validator.log")
                            : std::string();
  ASSERT_EQ(status, 0) << "validator failed:\n" << console;
  json result = json::parse(read_file(verdict), nullptr, false);
  ASSERT_TRUE(result.is_object() && result.contains("runs")) << console;

  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  for (const json& run : result["runs"]) {
    for (const json& r : run.value("results", json::array())) {
      // SARIF's default level is "warning".
      std::string level = r.value("level", "warning");
      if (level == "error") errors.push_back(rule_and_text(r));
      if (level == "warning") warnings.push_back(rule_and_text(r));
    }
    for (const json& inv : run.value("invocations", json::array())) {
      EXPECT_TRUE(inv.value("executionSuccessful", false)) << console;
    }
  }
  for (const std::string& w : warnings) std::cout << "[ validator warning ] " << w << "\n";
  EXPECT_TRUE(errors.empty()) << errors.size() << " validator error(s):\n" << console;
}

TEST(SarifValidatorTest, BuildahLeakyReportHidesSecrets) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  std::string token = secret("NPM_TOKEN");
  ASSERT_FALSE(token.empty()) << "NPM_TOKEN missing from secrets.json";
  RunResult scan = run_strata({"scan", tar, "--format", "sarif"});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  EXPECT_EQ(scan.out.find(token), std::string::npos);
  json log = json::parse(scan.out, nullptr, false);
  ASSERT_TRUE(log.is_object());
  EXPECT_EQ(log["version"], "2.1.0");
}

}  // namespace
}  // namespace strata::test::real
