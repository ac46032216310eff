// `strata lint` against real builds: a leaky Dockerfile and context are linted, built with
// buildah and scanned; what lint predicts must be what the scan finds in the image, and the
// other way round. Then lint's --fix is applied with git, the image rebuilt with the secret
// passed as a build secret, and both lint and the scan of the new image find nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "lint_build_support.hpp"
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
    if (std::string tool = lint_build::LintBuild::missing_tool(); !tool.empty()) {
      STRATA_SKIP_OR_FAIL() << tool << " is not installed";
    }
    std::filesystem::create_directories(b_.ctx());
    std::filesystem::copy_file(find_executable("busybox"), b_.ctx() + "/busybox");
    b_.write(".env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
    b_.write("app.txt", "the app\n");
    b_.write("Dockerfile", kDockerfile);
  }

  void TearDown() override { b_.remove_all_images(); }

  lint_build::LintBuild b_;
};

TEST_F(LintRealBuildTest, WhatLintPredictsTheImageHoldsAndTheFixRemovesIt) {
  json before = b_.run_json("lint", 1);
  lint_build::Leaks predicted = lint_build::lint_leaks(before);
  EXPECT_EQ(predicted.build_args, std::set<std::string>{"GH_TOKEN"}) << before.dump(1);
  EXPECT_TRUE(predicted.secrets.contains({"aws.secret-access-key", aws_secret()}))
      << before.dump(1);

  std::string leaky = b_.build("leaky", "", "--build-arg GH_TOKEN=" + key_id());
  json scanned = b_.run_json("scan '" + leaky + "'", 1);
  lint_build::expect_agreement(before, scanned, {{"GH_TOKEN", key_id()}});

  CommandResult fix = b_.apply_fix();
  ASSERT_EQ(fix.exit_code, 0) << fix.output;
  json after = b_.run_json("lint", 0);
  EXPECT_TRUE(after["findings"].empty()) << after.dump(1);

  std::string fixed =
      b_.build("fixed", "GH_TOKEN=" + key_id(), "--secret id=gh_token,env=GH_TOKEN");
  json rescanned = b_.run_json("scan '" + fixed + "'", 0);
  EXPECT_TRUE(rescanned["findings"].empty()) << rescanned.dump(1);
  EXPECT_EQ(rescanned.dump().find(key_id()), std::string::npos);
}

// The image tests' own Dockerfiles and the images buildah and Docker Engine built from them
// (build-real-images.sh): the build args and ENV lint flags for the final image are those whose
// values the scan finds in that image, no more and no fewer: in its config, or in a file a RUN
// wrote a build arg to (the builder's .npmrc that COPY --from carries on).
struct FixtureBuild {
  const char* dockerfile;  // in tests/support/real-images
  const char* image;       // the fixture built from it
  bool without_mounts;     // the classic builder's copy: lines with --mount= dropped
};

class LintFixtureAgreementTest : public ::testing::TestWithParam<FixtureBuild> {};

// The Dockerfile as the build read it.
std::string fixture_dockerfile(const FixtureBuild& build) {
  std::string text =
      read_file(std::string(STRATA_SOURCE_DIR) + "/tests/support/real-images/" + build.dockerfile);
  if (!build.without_mounts) return text;
  std::string kept;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = std::min(text.find('\n', pos), text.size() - 1) + 1;
    std::string line = text.substr(pos, end - pos);
    if (line.find("--mount=") == std::string::npos) kept += line;
    pos = end;
  }
  return kept;
}

TEST_P(LintFixtureAgreementTest, FinalImageBuildArgsAndEnvAgree) {
  std::string image = real_fixture(std::string(GetParam().image) + ".docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture " << GetParam().image << " missing";
  TempDir dir;
  write_file(dir.path() + "/Dockerfile", fixture_dockerfile(GetParam()));
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
  RunResult scan = run_strata({"scan", image, "--format", "json", "--reveal"});
  json report = json::parse(scan.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << scan.err;
  json config = real::docker_archive_config(image);
  std::set<std::string> found;
  std::string dockerfile = read_file(dir.path() + "/Dockerfile");
  for (const json& f : report["findings"]) {
    std::string value = f["secret"].value("value", "");
    for (const auto& [name, arg_value] : real::secrets().items()) {
      bool an_arg = dockerfile.find("ARG " + name + "\n") != std::string::npos;
      if (an_arg && !value.empty() && value.find(arg_value.get<std::string>()) != std::string::npos)
        found.insert("ARG " + name);
    }
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

INSTANTIATE_TEST_SUITE_P(
    ImageTests, LintFixtureAgreementTest,
    ::testing::Values(FixtureBuild{"leaky.Containerfile", "buildah-leaky", false},
                      FixtureBuild{"multistage.Containerfile", "buildah-multistage", false},
                      FixtureBuild{"clean.Containerfile", "clean", false},
                      FixtureBuild{"docker.Dockerfile", "docker-buildkit", false},
                      FixtureBuild{"docker.Dockerfile", "docker-classic", true}),
    [](const ::testing::TestParamInfo<FixtureBuild>& info) {
      std::string name = info.param.image;
      std::ranges::replace(name, '-', '_');
      return name;
    });

}  // namespace
}  // namespace strata::test
