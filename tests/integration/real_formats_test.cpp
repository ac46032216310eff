// The same buildah image in every format the real tools export (docker-archive, oci-archive
// gzip/zstd, OCI layout dirs gzip/zstd/uncompressed, stdin) must give the same findings; damaged
// copies must give exit 2 with errors that name the blob, and keep what other layers found.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

constexpr const char* kBaseline = "buildah-leaky.docker.tar";

std::string keys_text(const std::set<std::pair<std::string, std::string>>& keys) {
  std::string s;
  for (const auto& [rule, value] : keys) s += "\n  " + rule + " " + value.substr(0, 8) + "…";
  return s;
}

struct FormatCase {
  const char* name;     // test name
  const char* fixture;  // file or dir under the fixture dir
  const char* prefix;   // "" (auto-detect), "oci:", "oci-archive:", "docker-archive:"
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

class SameFindingsAcrossFormatsTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(SameFindingsAcrossFormatsTest, MatchesTheDockerArchive) {
  std::string baseline = real_fixture(kBaseline);
  std::string other = real_fixture(GetParam().fixture);
  if (baseline.empty() || other.empty()) {
    STRATA_SKIP_OR_FAIL() << "fixture " << GetParam().fixture
                          << " missing: buildah/skopeo not available";
  }
  const RealScan& want = scan_cached({baseline});
  ASSERT_EQ(want.run.exit_code, 1) << describe(want.run);
  const RealScan& got = scan_cached({std::string(GetParam().prefix) + other});
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  auto want_keys = finding_keys(want.json_report);
  auto got_keys = finding_keys(got.json_report);
  ASSERT_FALSE(want_keys.empty());
  EXPECT_EQ(got_keys, want_keys) << "docker-archive:" << keys_text(want_keys) << "\n"
                                 << GetParam().name << ":" << keys_text(got_keys);
}

INSTANTIATE_TEST_SUITE_P(
    BuildahLeaky, SameFindingsAcrossFormatsTest,
    ::testing::Values(FormatCase{"DockerArchivePrefix", "buildah-leaky.docker.tar",
                                 "docker-archive:"},
                      FormatCase{"OciArchiveGzip", "buildah-leaky.oci.tar", ""},
                      FormatCase{"OciArchiveGzipPrefix", "buildah-leaky.oci.tar", "oci-archive:"},
                      FormatCase{"OciArchiveZstd", "buildah-leaky.zstd.oci.tar", ""},
                      FormatCase{"OciDirGzip", "buildah-leaky.oci-gzip", "oci:"},
                      FormatCase{"OciDirZstd", "buildah-leaky.oci-zstd", "oci:"},
                      FormatCase{"OciDirUncompressed", "buildah-leaky.oci-uncompressed", "oci:"}),
    [](const auto& info) { return std::string(info.param.name); });

class BuildahLeakyArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = real_fixture(kBaseline);
    if (path_.empty())
      STRATA_SKIP_OR_FAIL() << "fixture " << kBaseline << " missing: buildah not available";
  }
  std::string path_;
  TempDir tmp_;
};

TEST_F(BuildahLeakyArchiveTest, StdinEqualsFileScan) {
  const RealScan& file = scan_cached({path_});
  RealScan piped = scan_json({"-"}, path_);
  ASSERT_EQ(piped.run.exit_code, 1) << describe(piped.run);
  EXPECT_EQ(finding_keys(piped.json_report), finding_keys(file.json_report));
  // Same places too, not just the same secrets.
  const json& a = findings_of(file.json_report);
  const json& b = findings_of(piped.json_report);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["locations"].size(), b[i]["locations"].size()) << str(a[i], "rule_id");
  }
}

TEST_F(BuildahLeakyArchiveTest, OutputOptionWritesTheReport) {
  std::string out = tmp_.path() + "/report.json";
  RunResult r = run_strata({"scan", path_, "--format", "json", "--reveal", "--output", out});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  ASSERT_TRUE(std::filesystem::exists(out));
  json written = json::parse(read_file(out), nullptr, false);
  ASSERT_FALSE(written.is_discarded());
  EXPECT_EQ(finding_keys(written), finding_keys(scan_cached({path_}).json_report));
}

TEST_F(BuildahLeakyArchiveTest, QuietOptionAfterTheTargetIsAccepted) {
  RunResult r = run_strata({"scan", path_, "-q"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_EQ(r.err, "");
}

// Offset of `needle` in `bytes`, and the tar member that holds it.
struct Hit {
  size_t offset = std::string::npos;
  std::string member;
};

Hit locate(const std::string& bytes, const std::string& needle) {
  Hit hit;
  hit.offset = bytes.find(needle);
  if (hit.offset == std::string::npos) return hit;
  for (const TarMember& m : list_tar(bytes)) {
    if (hit.offset >= m.data_offset && hit.offset < m.data_offset + m.size) hit.member = m.name;
  }
  return hit;
}

TEST_F(BuildahLeakyArchiveTest, CorruptedLayerGivesExit2NamingTheBlobAndKeepsOtherFindings) {
  std::string bytes = read_file(path_);
  std::string pem = secret("ID_RSA");
  ASSERT_FALSE(pem.empty());
  // Flip one byte of the key body inside the layer that COPYs id_rsa (layers are uncompressed
  // in a docker-archive, so the tar stays readable and only the digest check can notice).
  std::string body_line = pem.substr(pem.find('\n') + 1, 40);
  Hit hit = locate(bytes, body_line);
  ASSERT_NE(hit.offset, std::string::npos);
  ASSERT_FALSE(hit.member.empty());
  std::string hex = std::filesystem::path(hit.member).filename().string();
  if (hex == "layer.tar") hex = std::filesystem::path(hit.member).parent_path().string();
  hex = hex.substr(0, hex.find('.'));
  ASSERT_GE(hex.size(), 12u) << hit.member;
  size_t flip = hit.offset + 10;
  bytes[flip] = bytes[flip] == 'A' ? 'B' : 'A';
  std::string copy = tmp_.path() + "/corrupt.docker.tar";
  write_file(copy, bytes);

  RealScan s = scan_json({copy});
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  ASSERT_TRUE(s.json_report.is_object()) << describe(s.run);
  EXPECT_EQ(s.json_report.value("complete", true), false);
  bool named = false;
  for (const json& e : s.json_report.value("errors", json::array())) {
    named |= e.is_string() && e.get<std::string>().find(hex.substr(0, 8)) != std::string::npos;
  }
  EXPECT_TRUE(named) << "no error names the blob " << hex.substr(0, 12) << ":\n"
                     << s.json_report.value("errors", json::array()).dump(2);
  // Layers before and after the damaged one still report.
  EXPECT_NE(find_finding(s.json_report, "aws.", secret("AWS_ACCESS_KEY_ID")), nullptr);
  const json* npm = find_finding(s.json_report, "npm.", secret("NPM_TOKEN"));
  ASSERT_NE(npm, nullptr);
  EXPECT_FALSE(layer_locations_at(*npm, "root/.npmrc").empty());
}

TEST_F(BuildahLeakyArchiveTest, TruncatedDockerArchiveGivesExit2) {
  std::string bytes = read_file(path_);
  std::string copy = tmp_.path() + "/truncated.docker.tar";
  write_file(copy, bytes.substr(0, bytes.size() / 2));
  RealScan s = scan_json({copy});
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  if (s.json_report.is_object()) {
    EXPECT_EQ(s.json_report.value("complete", true), false);
    EXPECT_FALSE(s.json_report.value("errors", json::array()).empty());
  }
}

TEST(RealOciArchiveTest, TruncatedOciArchiveGivesExit2) {
  STRATA_REQUIRE_FIXTURE(path, "buildah-leaky.oci.tar", "buildah");
  TempDir tmp;
  std::string bytes = read_file(path);
  std::string copy = tmp.path() + "/truncated.oci.tar";
  write_file(copy, bytes.substr(0, bytes.size() * 2 / 3));
  RealScan s = scan_json({copy});
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
}

}  // namespace
}  // namespace strata::test::real
