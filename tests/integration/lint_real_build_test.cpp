// `strata lint` against real builds: a leaky Dockerfile and context are linted, built with
// buildah and scanned; what lint predicts must be what the scan finds in the image, and the
// other way round. Then lint's --fix is applied with git, the image rebuilt with the secret
// passed as a build secret, and both lint and the scan of the new image find nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

// Fake secrets made at run time: an AWS secret key in .env, an AWS key id as the build arg.
std::string aws_secret() { return "wJalrXUtnFEMI/K7MDENG/" + std::string("bPxRfiCYzQ9xW2hLk7"); }
std::string key_id() { return "AK" + std::string("IAZQ4T7XW2LM5BR5KD"); }

const char* kDockerfile =
    "FROM scratch\n"
    "COPY busybox /bin/busybox\n"
    "RUN [\"/bin/busybox\", \"ln\", \"-s\", \"/bin/busybox\", \"/bin/sh\"]\n"
    "ARG GH_TOKEN\n"
    "WORKDIR /app\n"
    "COPY . /app\n"
    "RUN test -n \"$GH_TOKEN\" && echo built > /app/built.txt\n"
    "CMD [\"/bin/sh\"]\n";

class LintRealBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"buildah", "git", "busybox"}) {
      if (find_executable(tool).empty()) STRATA_SKIP_OR_FAIL() << tool << " is not installed";
    }
    std::filesystem::create_directories(ctx());
    std::filesystem::copy_file(find_executable("busybox"), ctx() + "/busybox");
    write_file(ctx() + "/.env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
    write_file(ctx() + "/app.txt", "the app\n");
    write_file(ctx() + "/Dockerfile", kDockerfile);
  }

  void TearDown() override {
    run_command({"/bin/sh", "-c", buildah() + " rmi -a -f >/dev/null 2>&1"});
  }

  std::string ctx() const { return dir_.path() + "/ctx"; }
  std::string buildah() const {
    return "buildah --root '" + dir_.path() + "/store' --runroot '" + dir_.path() +
           "/run' --storage-driver vfs";
  }

  // Builds the context into a docker-archive; `env` and `flags` go to buildah bud.
  std::string build(const std::string& name, const std::string& env, const std::string& flags) {
    std::string archive = dir_.path() + "/" + name + ".docker.tar";
    CommandResult r = run_command(
        {"/bin/sh", "-c",
         "cd '" + ctx() + "' && " + env + " " + buildah() + " bud --isolation chroot -q " + flags +
             " -t localhost/lint/" + name + ":1 . && " + buildah() + " push -q localhost/lint/" +
             name + ":1 docker-archive:" + archive + ":localhost/lint/" + name + ":1 2>&1"},
        600);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return archive;
  }

  json run_json(const std::string& args, int expected_exit) const {
    CommandResult r = run_command({"/bin/sh", "-c",
                                   "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) + "' " +
                                       args + " --format json --reveal 2>/dev/null"},
                                  600);
    EXPECT_EQ(r.exit_code, expected_exit) << args << "\n" << r.output;
    json j = json::parse(r.output, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  TempDir dir_;
};

// (rule id, secret) of the findings, and the build args the image's findings came from.
struct Leaks {
  std::set<std::pair<std::string, std::string>> secrets;
  std::set<std::string> build_args;
};

Leaks lint_leaks(const json& report) {
  Leaks leaks;
  for (const json& f : report.value("findings", json::array())) {
    std::string rule = f["rule_id"];
    if (rule == "lint.arg-secret") {
      leaks.build_args.insert(f["secret"]["path"].get<std::string>().substr(4));  // "ARG X"
    } else if (!rule.starts_with("lint.")) {
      leaks.secrets.insert({rule, f["secret"].value("value", "")});
    }
  }
  return leaks;
}

Leaks scan_leaks(const json& report) {
  Leaks leaks;
  for (const json& f : report.value("findings", json::array())) {
    for (const json& l : f["locations"]) {
      std::string arg = l.value("build_arg", "");
      if (!arg.empty()) {
        leaks.build_args.insert(arg);
      } else if (l.value("kind", "") == "layer-file") {
        leaks.secrets.insert({f["rule_id"], f["secret"].value("value", "")});
      }
    }
  }
  return leaks;
}

TEST_F(LintRealBuildTest, WhatLintPredictsTheImageHoldsAndTheFixRemovesIt) {
  json before = run_json("lint", 1);
  Leaks predicted = lint_leaks(before);
  EXPECT_EQ(predicted.build_args, std::set<std::string>{"GH_TOKEN"}) << before.dump(1);
  EXPECT_TRUE(predicted.secrets.contains({"aws.secret-access-key", aws_secret()}))
      << before.dump(1);

  std::string leaky = build("leaky", "", "--build-arg GH_TOKEN=" + key_id());
  json scanned = run_json("scan '" + leaky + "'", 1);
  Leaks found = scan_leaks(scanned);
  EXPECT_EQ(found.build_args, predicted.build_args) << scanned.dump(1);
  // The layer files' secrets are the context's, rule for rule (file paths differ: app/.env).
  std::set<std::pair<std::string, std::string>> found_by_value;
  for (const auto& [rule, secret] : found.secrets) {
    if (!rule.starts_with("file.")) found_by_value.insert({rule, secret});
  }
  std::set<std::pair<std::string, std::string>> predicted_by_value;
  for (const auto& [rule, secret] : predicted.secrets) {
    if (!rule.starts_with("file.")) predicted_by_value.insert({rule, secret});
  }
  EXPECT_EQ(found_by_value, predicted_by_value) << scanned.dump(1);

  CommandResult fix = run_command({"/bin/sh", "-c",
                                   "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) +
                                       "' lint --fix > ../fix.patch 2>/dev/null; "
                                       "git apply ../fix.patch 2>&1"});
  ASSERT_EQ(fix.exit_code, 0) << fix.output << read_file(dir_.path() + "/fix.patch");
  json after = run_json("lint", 0);
  EXPECT_TRUE(after["findings"].empty()) << after.dump(1);

  std::string fixed = build("fixed", "GH_TOKEN=" + key_id(), "--secret id=gh_token,env=GH_TOKEN");
  json rescanned = run_json("scan '" + fixed + "'", 0);
  EXPECT_TRUE(rescanned["findings"].empty()) << rescanned.dump(1);
  EXPECT_EQ(rescanned.dump().find(key_id()), std::string::npos);
}

// The image tests' own Dockerfiles and the images buildah built from them
// (build-real-images.sh): the build args and ENV lint flags for the final image are those whose
// values the scan finds in that image's config, no more and no fewer.
class LintFixtureAgreementTest : public ::testing::TestWithParam<const char*> {};

TEST_P(LintFixtureAgreementTest, FinalImageBuildArgsAndEnvAgree) {
  std::string name = GetParam();
  std::string image = real_fixture("buildah-" + name + ".docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-" << name << " missing";
  TempDir dir;
  write_file(dir.path() + "/Dockerfile",
             read_file(std::string(STRATA_SOURCE_DIR) + "/tests/support/real-images/" + name +
                       ".Containerfile"));
  RunResult linted =
      run_strata({"lint", dir.path() + "/Dockerfile", "--context", dir.path(), "--format", "json"});
  json lint = json::parse(linted.out, nullptr, false);
  ASSERT_TRUE(lint.is_object()) << linted.err;
  std::set<std::string> predicted;
  for (const json& f : lint["findings"]) {
    if (f["severity"] == "low") continue;  // a builder stage's: not in the final image
    std::string what = f["secret"].value("path", "");
    if (f["rule_id"] == "lint.arg-secret" || f["rule_id"] == "lint.env-secret") {
      predicted.insert(what);
    }
  }
  RunResult scan = run_strata({"scan", image, "--format", "json"});
  json report = json::parse(scan.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << scan.err;
  json config = real::docker_archive_config(image);
  std::set<std::string> found;
  for (const json& f : report["findings"]) {
    for (const json& l : f["locations"]) {
      if (!l.value("build_arg", "").empty())
        found.insert("ARG " + l["build_arg"].get<std::string>());
      std::string where = l.value("config_location", "");
      if (!where.starts_with("config.Env[")) continue;
      std::string env = config["config"]["Env"][std::stoi(where.substr(11))];
      found.insert("ENV " + env.substr(0, env.find('=')));
    }
  }
  EXPECT_EQ(found, predicted) << lint.dump(1);
}

INSTANTIATE_TEST_SUITE_P(ImageTests, LintFixtureAgreementTest,
                         ::testing::Values("leaky", "multistage"));

}  // namespace
}  // namespace strata::test
