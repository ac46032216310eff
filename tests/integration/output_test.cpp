// Where reports go (--report FORMAT=PATH, atomic --output) and base-image attribution, on real
// images built by buildah and Docker.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/test_env.hpp"

namespace strata {
namespace {

using test::run_strata;

TEST(OutputTest, SeveralReportsInOneRun) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) GTEST_SKIP() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string json = dir.path() + "/r.json", sarif = dir.path() + "/r.sarif";
  auto run = run_strata({"scan", image, "--report", "json=" + json, "--report", "sarif=" + sarif});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("finding"), std::string::npos);  // text still on stdout
  nlohmann::json j = nlohmann::json::parse(test::read_file(json));
  nlohmann::json s = nlohmann::json::parse(test::read_file(sarif));
  EXPECT_EQ(j["findings"].size(), s["runs"][0]["results"].size());
  EXPECT_GT(j["findings"].size(), 0u);
}

TEST(OutputTest, OnlyOneReportMayGoToStdout) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) GTEST_SKIP() << "fixture buildah-leaky.docker.tar missing";
  auto run = run_strata({"scan", image, "--report", "json=-"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("stdout"), std::string::npos);
}

TEST(OutputTest, MalformedReportFlagIsAnError) {
  auto run = run_strata({"scan", "/nonexistent", "--report", "yaml=x"});
  EXPECT_EQ(run.exit_code, 2);
}

TEST(OutputTest, FailedOutputLeavesNoPartialFile) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) GTEST_SKIP() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string target = dir.path() + "/missing-dir/out.json";
  auto run = run_strata({"scan", image, "-f", "json", "-o", target});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("missing-dir"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(OutputTest, OutputReplacesAnExistingFileWhole) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) GTEST_SKIP() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string target = dir.path() + "/out.json";
  test::write_file(target, std::string(1 << 20, 'x'));  // longer than the report
  auto run = run_strata({"scan", image, "-f", "json", "-o", target});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NO_THROW((void)nlohmann::json::parse(test::read_file(target)));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);  // no temporary file left behind
}

TEST(BaseImageTest, BuildahRecordsItsBaseAndFindingsSayTheyAreOwnBuild) {
  std::string image = test::real_fixture("buildah-leaky.oci-gzip");
  if (image.empty()) GTEST_SKIP() << "fixture buildah-leaky.oci-gzip missing";
  auto run = run_strata({"scan", "oci:" + image, "-f", "json"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  nlohmann::json j = nlohmann::json::parse(run.out);
  const auto& base = j["images"][0]["base_image"];
  EXPECT_EQ(base["name"], "localhost/fixture/base:latest");
  EXPECT_EQ(base["first_own_layer"], 1);
  size_t own = 0;
  for (const auto& f : j["findings"]) {
    for (const auto& l : f["locations"]) {
      if (l["kind"] == "layer-file") {
        EXPECT_EQ(l["origin"], l["layer_index"].get<int>() >= 1 ? "own-build" : "base-image");
        own += l["origin"] == "own-build" ? 1 : 0;
      }
    }
  }
  EXPECT_GT(own, 0u);
  // Every leak is the build's own: --ignore-base changes nothing.
  auto ignoring = run_strata({"scan", "oci:" + image, "-f", "json", "--ignore-base"});
  EXPECT_EQ(ignoring.exit_code, 1) << ignoring.err;
}

TEST(BaseImageTest, DockerClassicRecordsNoBase) {
  std::string image = test::real_fixture("docker-classic.docker.tar");
  if (image.empty()) GTEST_SKIP() << "fixture docker-classic.docker.tar missing";
  auto run = run_strata({"scan", image, "-f", "json"});
  nlohmann::json j = nlohmann::json::parse(run.out);
  EXPECT_FALSE(j["images"][0].contains("base_image"));
  for (const auto& f : j["findings"]) {
    for (const auto& l : f["locations"]) EXPECT_EQ(l["origin"], "unknown");
  }
}

}  // namespace
}  // namespace strata
