// The built strata binary on sources that hold several images: a two-platform OCI index
// (buildah manifest push --all), a multi-image docker-archive (podman save -m), and a clean
// image that must give exit 0.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

const std::string kLeakyRef = "localhost/fixture/buildah-leaky:latest";
const std::string kCleanRef = "localhost/fixture/clean:latest";

std::set<std::string> platforms_of(const json& finding) {
  std::set<std::string> out;
  for (const json& l : finding["locations"]) out.insert(str(l, "platform"));
  return out;
}

std::set<std::string> image_platforms(const json& report) {
  std::set<std::string> out;
  for (const json& i : report.value("images", json::array())) out.insert(str(i, "platform"));
  return out;
}

TEST(RealMultiPlatformTest, DefaultScansEveryPlatform) {
  STRATA_REQUIRE_FIXTURE(dir, "multi-platform.oci", "buildah manifest");
  const RealScan& s = scan_cached({"oci:" + dir});
  ASSERT_EQ(s.run.exit_code, 1) << describe(s.run);
  EXPECT_EQ(image_platforms(s.json_report), (std::set<std::string>{"linux/amd64", "linux/arm64"}));
  const json* arm = find_finding(s.json_report, "github.", secret("ARM_ONLY_TOKEN"));
  ASSERT_NE(arm, nullptr) << s.run.out.substr(0, 3000);
  EXPECT_EQ(platforms_of(*arm), std::set<std::string>{"linux/arm64"});
  bool in_env = false;
  for (const json& l : locations(*arm, "config")) {
    in_env |= str(l, "config_location").find("Env") != std::string::npos;
  }
  EXPECT_TRUE(in_env) << arm->dump(2);
  const json* npm = find_finding(s.json_report, "npm.", secret("NPM_TOKEN"));
  ASSERT_NE(npm, nullptr);
  EXPECT_EQ(platforms_of(*npm), std::set<std::string>{"linux/amd64"});
}

TEST(RealMultiPlatformTest, PlatformOptionSelectsOne) {
  STRATA_REQUIRE_FIXTURE(dir, "multi-platform.oci", "buildah manifest");
  const RealScan& amd = scan_cached({"oci:" + dir, "--platform", "linux/amd64"});
  ASSERT_EQ(amd.run.exit_code, 1) << describe(amd.run);
  EXPECT_EQ(image_platforms(amd.json_report), std::set<std::string>{"linux/amd64"});
  EXPECT_EQ(find_finding(amd.json_report, "github.", secret("ARM_ONLY_TOKEN")), nullptr);
  EXPECT_EQ(amd.run.out.find(secret("ARM_ONLY_TOKEN")), std::string::npos);
  EXPECT_NE(find_finding(amd.json_report, "npm.", secret("NPM_TOKEN")), nullptr);

  const RealScan& arm = scan_cached({"oci:" + dir, "--platform", "linux/arm64"});
  ASSERT_EQ(arm.run.exit_code, 1) << describe(arm.run);
  EXPECT_NE(find_finding(arm.json_report, "github.", secret("ARM_ONLY_TOKEN")), nullptr);
  EXPECT_EQ(find_finding(arm.json_report, "npm.", secret("NPM_TOKEN")), nullptr);
}

TEST(RealMultiPlatformTest, OciArchiveOfTheIndexMatchesTheDir) {
  STRATA_REQUIRE_FIXTURE(dir, "multi-platform.oci", "buildah manifest");
  STRATA_REQUIRE_FIXTURE(tar, "multi-platform.oci.tar", "buildah manifest push oci-archive");
  const RealScan& a = scan_cached({"oci:" + dir});
  const RealScan& b = scan_cached({tar});
  ASSERT_EQ(b.run.exit_code, 1) << describe(b.run);
  EXPECT_EQ(finding_keys(b.json_report), finding_keys(a.json_report));
  EXPECT_EQ(image_platforms(b.json_report), image_platforms(a.json_report));
}

TEST(RealMultiImageTest, DefaultScansBothImages) {
  STRATA_REQUIRE_FIXTURE(tar, "multi-image.docker.tar", "podman");
  const RealScan& s = scan_cached({tar});
  ASSERT_EQ(s.run.exit_code, 1) << describe(s.run);
  std::set<std::string> refs;
  for (const json& i : s.json_report.value("images", json::array()))
    refs.insert(str(i, "reference"));
  EXPECT_EQ(refs, (std::set<std::string>{kLeakyRef, kCleanRef}));
  EXPECT_NE(find_finding(s.json_report, "npm.", secret("NPM_TOKEN")), nullptr);
}

TEST(RealMultiImageTest, ImageOptionSelectsTheCleanImage) {
  STRATA_REQUIRE_FIXTURE(tar, "multi-image.docker.tar", "podman");
  const RealScan& s = scan_cached({tar, "--image", kCleanRef});
  EXPECT_EQ(s.run.exit_code, 0) << describe(s.run);
  EXPECT_TRUE(findings_of(s.json_report).empty()) << s.run.out.substr(0, 3000);
  ASSERT_EQ(s.json_report.value("images", json::array()).size(), 1u);
  EXPECT_EQ(str(s.json_report["images"][0], "reference"), kCleanRef);
}

TEST(RealMultiImageTest, ImageOptionSelectsTheLeakyImage) {
  STRATA_REQUIRE_FIXTURE(tar, "multi-image.docker.tar", "podman");
  STRATA_REQUIRE_FIXTURE(alone, "buildah-leaky.docker.tar", "buildah");
  const RealScan& s = scan_cached({tar, "--image", kLeakyRef});
  ASSERT_EQ(s.run.exit_code, 1) << describe(s.run);
  EXPECT_EQ(s.json_report.value("images", json::array()).size(), 1u);
  EXPECT_EQ(finding_keys(s.json_report), finding_keys(scan_cached({alone}).json_report));
}

class RealCleanImageTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RealCleanImageTest, ExitsZeroWithNoFindings) {
  std::string path = real_fixture(GetParam());
  if (path.empty())
    STRATA_SKIP_OR_FAIL() << "fixture " << GetParam() << " missing: buildah not available";
  std::string target = std::string(GetParam()).ends_with(".oci") ? "oci:" + path : path;
  const RealScan& s = scan_cached({target});
  EXPECT_EQ(s.run.exit_code, 0) << describe(s.run);
  ASSERT_TRUE(s.json_report.is_object()) << describe(s.run);
  EXPECT_TRUE(s.json_report.value("complete", false));
  EXPECT_TRUE(findings_of(s.json_report).empty()) << s.run.out.substr(0, 3000);
  EXPECT_EQ(s.json_report.value("images", json::array()).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Formats, RealCleanImageTest,
                         ::testing::Values("clean.oci", "clean.docker.tar"), [](const auto& info) {
                           return std::string(info.param).ends_with(".oci") ? "OciDir"
                                                                            : "DockerArchive";
                         });

}  // namespace
}  // namespace strata::test::real
