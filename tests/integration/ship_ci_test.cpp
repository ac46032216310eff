// The CI integrations as users copy them, run against real images: the strata command lines are
// read from the YAML files (action.yml with examples/ci/github-workflow.yml's inputs, and
// examples/ci/gitlab-ci.yml's job script), never copied here, so the examples cannot rot.
//  - GitHub: action.yml's composite step runs under bash as the runner runs it (`bash
//    --noprofile --norc -eo pipefail`), with the `${{ inputs.* }}` the workflow passes. One
//    deviation: `strata-image` is emptied so the built binary on PATH runs instead of the
//    container (scripts/build-image.sh tests the container). The SARIF report must pass
//    Microsoft's validator with GitHub's rules, as code scanning's upload requires.
//  - GitLab: the job's variables and script run under sh against a real registry behind
//    htpasswd, with CI_REGISTRY_* set as GitLab sets them; the secret-detection artifact must
//    have every field GitLab's schema requires.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/gitlab_report_check.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/registry_server.hpp"
#include "support/sarif_validator.hpp"
#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

namespace fs = std::filesystem;
using Inputs = std::map<std::string, std::string>;

YAML::Node load_yaml(const std::string& relative) {
  return YAML::LoadFile(std::string(STRATA_SOURCE_DIR) + "/" + relative);
}

// PATH with the built strata first, as when strata is installed on the runner.
std::string path_with_strata() {
  const char* path = std::getenv("PATH");
  return fs::path(STRATA_BINARY).parent_path().string() + ":" + (path ? path : "");
}

// The workflow step with id "strata": the inputs it gives the action (`with:`).
Inputs workflow_inputs() {
  for (const YAML::Node& step :
       load_yaml("examples/ci/github-workflow.yml")["jobs"]["strata"]["steps"]) {
    if (step["id"] && step["id"].as<std::string>() == "strata") {
      Inputs with;
      for (const auto& kv : step["with"])
        with[kv.first.as<std::string>()] = kv.second.as<std::string>();
      return with;
    }
  }
  ADD_FAILURE() << "examples/ci/github-workflow.yml has no step with id: strata";
  return {};
}

// action.yml's inputs: the given values over the declared defaults. A required input that is
// not given is a test failure.
Inputs action_inputs(const YAML::Node& action, const Inputs& given) {
  Inputs inputs;
  for (const auto& kv : action["inputs"]) {
    std::string name = kv.first.as<std::string>();
    if (given.contains(name)) {
      inputs[name] = given.at(name);
    } else if (kv.second["required"] && kv.second["required"].as<bool>()) {
      ADD_FAILURE() << "required input " << name << " not given";
    } else {
      inputs[name] = kv.second["default"] ? kv.second["default"].as<std::string>() : "";
    }
  }
  return inputs;
}

// A `${{ inputs.NAME }}` expression replaced by its value; any other expression fails the
// test (the runner would evaluate it, this test cannot).
std::string substitute_inputs(const std::string& text, const Inputs& inputs) {
  static const std::regex kExpression(R"(\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\})");
  std::string out = std::regex_replace(text, kExpression, "\x01$1\x02");
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] != '\x01') {
      result += out[i];
      continue;
    }
    size_t end = out.find('\x02', i);
    std::string name = out.substr(i + 1, end - i - 1);
    EXPECT_TRUE(inputs.contains(name)) << "unknown input " << name;
    if (inputs.contains(name)) result += inputs.at(name);
    i = end;
  }
  EXPECT_EQ(result.find("${{"), std::string::npos)
      << "expression the test cannot evaluate: " << text;
  return result;
}

struct StepRun {
  int exit_code = -1;
  std::string output;         // stdout and stderr
  std::string github_output;  // what the step wrote to $GITHUB_OUTPUT
};

// Runs action.yml's one `run` step in `work` with these inputs, as the runner would.
StepRun run_action(const std::string& work, const Inputs& with) {
  YAML::Node action = load_yaml("action.yml");
  EXPECT_EQ(action["runs"]["using"].as<std::string>(), "composite");
  YAML::Node step = action["runs"]["steps"][0];
  EXPECT_EQ(step["shell"].as<std::string>(), "bash");
  Inputs inputs = action_inputs(action, with);
  std::vector<std::string> argv = {"env", "-C", work, "PATH=" + path_with_strata(),
                                   "GITHUB_OUTPUT=" + work + "/github-output"};
  for (const auto& kv : step["env"]) {
    argv.push_back(kv.first.as<std::string>() + "=" +
                   substitute_inputs(kv.second.as<std::string>(), inputs));
  }
  write_file(work + "/step.sh", step["run"].as<std::string>());
  argv.insert(argv.end(), {"bash", "--noprofile", "--norc", "-eo", "pipefail", work + "/step.sh"});
  CommandResult r = run_command(argv, 300);
  std::string out_file = work + "/github-output";
  return {r.exit_code, r.output, fs::exists(out_file) ? read_file(out_file) : ""};
}

struct WorkflowScan {
  StepRun run;
  std::string sarif_path;  // where the workflow's `sarif` input put the report
  json sarif;              // the report, parsed (null when missing or not JSON)
};

// The workflow's scan step on `fixture`, saved where the workflow's `docker save` puts it.
// Checks the exit code and the step's `exit-code` output against `expected_exit`.
WorkflowScan run_workflow_scan(const TempDir& work, const std::string& fixture, int expected_exit) {
  Inputs inputs = workflow_inputs();
  EXPECT_TRUE(inputs.contains("image") && inputs.contains("sarif"));
  fs::create_symlink(fixture, work.path() + "/" + inputs["image"]);
  inputs["strata-image"] = "";  // the built binary instead of the container (see the top)
  WorkflowScan scan{run_action(work.path(), inputs), work.path() + "/" + inputs["sarif"], {}};
  EXPECT_EQ(scan.run.exit_code, expected_exit) << scan.run.output;
  std::string output = "exit-code=" + std::to_string(expected_exit) + "\n";
  EXPECT_NE(scan.run.github_output.find(output), std::string::npos) << scan.run.github_output;
  EXPECT_TRUE(fs::exists(scan.sarif_path)) << scan.run.output;
  if (fs::exists(scan.sarif_path)) {
    scan.sarif = json::parse(read_file(scan.sarif_path), nullptr, false);
  }
  return scan;
}

TEST(ShipCiTest, GithubActionFailsOnLeakyImageWithValidSarif) {
  STRATA_REQUIRE_FIXTURE(image, "buildah-leaky.docker.tar", "buildah");
  std::string validator = find_sarif_validator();
  if (validator.empty()) STRATA_SKIP_OR_FAIL() << kSarifValidatorMissing;
  TempDir work;
  WorkflowScan scan = run_workflow_scan(work, image, 1);
  ASSERT_TRUE(scan.sarif.is_object());
  EXPECT_FALSE(scan.sarif["runs"][0]["results"].empty());
  for (const auto& [name, value] : secrets().items()) {
    EXPECT_EQ(scan.run.output.find(value.get<std::string>()), std::string::npos) << name;
    EXPECT_EQ(scan.sarif.dump().find(value.get<std::string>()), std::string::npos) << name;
  }
  TempDir verdict_dir;
  SarifVerdict verdict = validate_sarif(validator, scan.sarif_path, verdict_dir.path());
  ASSERT_TRUE(verdict.ran) << verdict.console;
  EXPECT_TRUE(verdict.errors.empty()) << verdict.errors.size() << " error(s):\n" << verdict.console;
}

TEST(ShipCiTest, GithubActionPassesCleanImageWithEmptySarif) {
  STRATA_REQUIRE_FIXTURE(image, "clean.docker.tar", "buildah");
  TempDir work;
  WorkflowScan scan = run_workflow_scan(work, image, 0);
  ASSERT_TRUE(scan.sarif.is_object());
  EXPECT_TRUE(scan.sarif["runs"][0]["results"].empty()) << scan.sarif["runs"][0]["results"].dump(2);
}

// The GitLab job's variables (global, then the job's) and script as one sh script: GitLab
// expands $VARS in variable values, as sh does inside double quotes.
std::string gitlab_job_script(const YAML::Node& file, const YAML::Node& job) {
  std::string script = "set -e\n";
  for (const YAML::Node& vars : {file["variables"], job["variables"]}) {
    for (const auto& kv : vars) {
      std::string value = kv.second.as<std::string>();
      EXPECT_EQ(value.find_first_of("\"`\\"), std::string::npos) << value;
      script += "export " + kv.first.as<std::string>() + "=\"" + value + "\"\n";
    }
  }
  for (const YAML::Node& line : job["script"]) script += line.as<std::string>() + "\n";
  return script;
}

TEST(ShipCiTest, GitlabTemplateWritesSecretDetectionReportFromRegistry) {
  STRATA_REQUIRE_FIXTURE(layout, "buildah-leaky.oci-gzip", "buildah");
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kHtpasswd);
  std::string password = random_secret("pw-");
  RegistryServer registry(htpasswd_auth({{"gitlab-ci-token", password}}));
  std::string sha = random_secret("");  // a commit-like tag
  PushResult pushed = registry.push("oci:" + layout + ":latest", "group/app:" + sha);
  ASSERT_TRUE(pushed.ok) << pushed.output;

  YAML::Node file = load_yaml("examples/ci/gitlab-ci.yml");
  YAML::Node job = file["strata"];
  std::string artifact = job["artifacts"]["reports"]["secret_detection"].as<std::string>();
  TempDir work;
  write_file(work.path() + "/job.sh", gitlab_job_script(file, job));
  ScopedEnv password_env("CI_REGISTRY_PASSWORD", password);  // not on a command line
  CommandResult run = run_command(
      {"env", "-C", work.path(), "PATH=" + path_with_strata(), "DOCKER_CONFIG=" + work.path(),
       "CI_REGISTRY_USER=gitlab-ci-token", "CI_REGISTRY_IMAGE=" + registry.host() + "/group/app",
       "CI_COMMIT_SHA=" + sha, "sh", work.path() + "/job.sh"},
      300);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.output.find(password), std::string::npos);
  std::string report_path = work.path() + "/" + artifact;
  ASSERT_TRUE(fs::exists(report_path)) << run.output;
  std::string report = read_file(report_path);
  json doc = json::parse(report, nullptr, false);
  expect_gitlab_report_fields(doc);
  EXPECT_FALSE(doc["vulnerabilities"].empty());
  for (const auto& [name, value] : secrets().items()) {
    EXPECT_EQ(report.find(value.get<std::string>()), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace strata::test::real
