// The built strata binary on `docker save` archives from a real Docker Engine 20.10, built with
// BuildKit and with the classic builder (tests/support/build-real-images.sh). Their history
// formats differ: `RUN |1 A=x /bin/sh -c … # buildkit` vs `|1 A=x /bin/sh -c …`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

struct DockerCase {
  const char* fixture;
  bool buildkit;
};

void PrintTo(const DockerCase& c, std::ostream* os) { *os << c.fixture; }

class DockerBuildTest : public ::testing::TestWithParam<DockerCase> {
 protected:
  void SetUp() override {
    path_ = real_fixture(GetParam().fixture);
    if (path_.empty()) {
      STRATA_SKIP_OR_FAIL() << "fixture " << GetParam().fixture
                            << " missing: dockerd (docker.io) not available";
    }
    scan_ = &scan_cached({path_});
    ASSERT_TRUE(scan_->json_report.is_object()) << describe(scan_->run);
    ASSERT_EQ(scan_->run.exit_code, 1) << describe(scan_->run);
    config_ = docker_archive_config(path_);
    ASSERT_TRUE(config_.is_object());
  }
  const json* finding(std::string_view prefix, const char* name) const {
    return find_finding(scan_->json_report, prefix, secret(name));
  }

  std::string path_;
  const RealScan* scan_ = nullptr;
  json config_;
};

TEST_P(DockerBuildTest, BuildArgFoundWithCreatedByHistory) {
  const json* f = finding("npm.", "NPM_TOKEN");
  ASSERT_NE(f, nullptr) << scan_->run.out.substr(0, 3000);
  std::vector<json> with_arg;
  for (const json& l : locations(*f, "config")) {
    if (str(l, "build_arg") == "NPM_TOKEN") with_arg.push_back(l);
  }
  ASSERT_FALSE(with_arg.empty()) << f->dump(2);
  for (const json& l : with_arg) {
    auto step = num(l, "history_step");
    ASSERT_TRUE(step.has_value()) << l.dump();
    std::string real = history_created_by(config_, *step);
    EXPECT_NE(real.find("NPM_TOKEN="), std::string::npos) << "step " << *step << ": " << real;
    std::string shown = str(l, "created_by");
    ASSERT_FALSE(shown.empty()) << l.dump();
    if (GetParam().buildkit) {
      EXPECT_TRUE(starts_with(shown, "RUN ")) << shown;
    } else {
      EXPECT_NE(shown.find("/bin/sh -c"), std::string::npos) << shown;
    }
  }
}

TEST_P(DockerBuildTest, NpmrcFileFoundWithItsRunStep) {
  const json* f = finding("npm.", "NPM_TOKEN");
  ASSERT_NE(f, nullptr);
  std::vector<json> at = layer_locations_at(*f, "root/.npmrc");
  ASSERT_EQ(at.size(), 1u) << f->dump(2);
  EXPECT_EQ(fate_kind(at[0]), "present");
  auto step = num(at[0], "history_step");
  ASSERT_TRUE(step.has_value()) << at[0].dump();
  EXPECT_NE(history_created_by(config_, *step).find("_authToken"), std::string::npos)
      << "history step " << *step << " is not the RUN that wrote .npmrc";
}

TEST_P(DockerBuildTest, EnvSecretFound) {
  const json* f = finding("stripe.", "STRIPE_KEY");
  ASSERT_NE(f, nullptr);
  bool in_env = false;
  for (const json& l : locations(*f, "config")) {
    in_env |= str(l, "config_location").find("Env") != std::string::npos;
  }
  EXPECT_TRUE(in_env) << f->dump(2);
}

TEST_P(DockerBuildTest, DotEnvKeysPresent) {
  const json* f = finding("aws.", "AWS_ACCESS_KEY_ID");
  ASSERT_NE(f, nullptr);
  std::vector<json> at = layer_locations_at(*f, "app/.env");
  ASSERT_EQ(at.size(), 1u) << f->dump(2);
  EXPECT_EQ(fate_kind(at[0]), "present");
}

TEST_P(DockerBuildTest, DeletedKeyFileIsDeleted) {
  std::vector<json> at;
  for (const json& f : findings_of(scan_->json_report)) {
    if (starts_with(str(f, "rule_id"), "private-key")) at = layer_locations_at(f, "app/id_rsa");
    if (!at.empty()) break;
  }
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(fate_kind(at[0]), "deleted") << at[0].dump();
  EXPECT_GT(changed_in_layer(at[0]).value_or(-1), num(at[0], "layer_index").value_or(99));
}

TEST_P(DockerBuildTest, SecretMountValueNeverInOutput) {
  std::string value = secret("MOUNT_SECRET");
  ASSERT_FALSE(value.empty());
  EXPECT_EQ(scan_->run.out.find(value), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Builders, DockerBuildTest,
                         ::testing::Values(DockerCase{"docker-buildkit.docker.tar", true},
                                           DockerCase{"docker-classic.docker.tar", false}),
                         [](const auto& info) {
                           return std::string(info.param.buildkit ? "BuildKit" : "Classic");
                         });

}  // namespace
}  // namespace strata::test::real
