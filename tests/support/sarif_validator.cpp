#include "support/sarif_validator.hpp"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/test_env.hpp"

namespace strata::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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

void collect_results(const json& verdict, SarifVerdict& v) {
  v.execution_successful = true;
  for (const json& run : verdict["runs"]) {
    for (const json& r : run.value("results", json::array())) {
      // SARIF's default level is "warning".
      std::string level = r.value("level", "warning");
      if (level == "error") v.errors.push_back(rule_and_text(r));
      if (level == "warning") v.warnings.push_back(rule_and_text(r));
    }
    for (const json& inv : run.value("invocations", json::array())) {
      v.execution_successful = v.execution_successful && inv.value("executionSuccessful", false);
    }
  }
}

}  // namespace

std::string find_sarif_validator() {
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

SarifVerdict validate_sarif(const std::string& validator, const std::string& report,
                            const std::string& work_dir) {
  std::string verdict = work_dir + "/validation.sarif";
  std::string policy = work_dir + "/github.config.xml";
  std::string log = work_dir + "/validator.log";
  write_file(policy, kGithubPolicy);
  // No ICU needed: the validator runs in .NET's invariant globalization mode.
  std::string command =
      "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 300 " + shell_quoted(validator) +
      " validate " + shell_quoted(report) + " --rule-kind 'Ghas;Sarif' -c " + shell_quoted(policy) +
      " --log ForceOverwrite -o " + shell_quoted(verdict) + " > " + shell_quoted(log) + " 2>&1";
  int status = std::system(command.c_str());
  SarifVerdict v;
  v.console = fs::exists(log) ? read_file(log) : std::string();
  if (status != 0 || !fs::exists(verdict)) return v;
  json result = json::parse(read_file(verdict), nullptr, false);
  if (!result.is_object() || !result.contains("runs")) return v;
  v.ran = true;
  collect_results(result, v);
  return v;
}

}  // namespace strata::test
