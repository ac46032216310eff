// The built strata binary on images that buildah really built (tests/support/build-real-images.sh):
// build args in history, deleted / overwritten / opaque-hidden files, ENV, secret mounts,
// squashed and multi-stage builds. Expected values come from the generated secrets.json and
// from the image configs the tools wrote, never from strata's own output.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

std::string summary(const json& report) {
  std::string s = "findings:";
  for (const json& f : findings_of(report)) {
    s += "\n  " + str(f, "rule_id") + " " +
         (f.contains("secret") ? str(f["secret"], "redacted") : "");
  }
  return s;
}

// Scans one fixture once (cached), checks it completed with findings, and reads its config.
class RealImageTest : public ::testing::Test {
 protected:
  void load(const std::string& name) {
    path_ = real_fixture(name);
    if (path_.empty())
      STRATA_SKIP_OR_FAIL() << "fixture " << name << " missing: buildah not available";
    scan_ = &scan_cached({path_});
    ASSERT_TRUE(scan_->json_report.is_object()) << describe(scan_->run);
    ASSERT_EQ(scan_->run.exit_code, 1) << describe(scan_->run);
    config_ = docker_archive_config(path_);
    ASSERT_TRUE(config_.is_object()) << "cannot read the config of " << path_;
  }
  const json& report() const { return scan_->json_report; }
  const json& need(std::string_view prefix, const std::string& secret_name) {
    static const json kNull;
    std::string value = secret(secret_name);
    EXPECT_FALSE(value.empty()) << secret_name << " missing from secrets.json";
    const json* f = find_finding(report(), prefix, value);
    EXPECT_NE(f, nullptr) << "no " << prefix << "* finding with the value of " << secret_name
                          << "\n"
                          << summary(report());
    return f ? *f : kNull;
  }

  std::string path_;
  const RealScan* scan_ = nullptr;
  json config_;
};

class BuildahLeakyTest : public RealImageTest {
 protected:
  void SetUp() override { load("buildah-leaky.docker.tar"); }
};

TEST_F(BuildahLeakyTest, BuildArgFoundInHistoryWithBuildArgAndStep) {
  const json& f = need("npm.", "NPM_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> with_arg;
  for (const json& l : locations(f, "config")) {
    if (str(l, "build_arg") == "NPM_TOKEN") with_arg.push_back(l);
  }
  ASSERT_FALSE(with_arg.empty()) << f.dump(2);
  for (const json& l : with_arg) {
    auto step = num(l, "history_step");
    ASSERT_TRUE(step.has_value()) << l.dump();
    EXPECT_NE(history_created_by(config_, *step).find("NPM_TOKEN="), std::string::npos)
        << "history step " << *step << " does not hold the build arg: " << l.dump();
    EXPECT_TRUE(starts_with(str(l, "config_location"), "history[")) << l.dump();
    EXPECT_EQ(fate_kind(l), "not-in-filesystem") << l.dump();
  }
}

TEST_F(BuildahLeakyTest, BuildArgWrittenToNpmrcIsDeletedLater) {
  const json& f = need("npm.", "NPM_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "root/.npmrc");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  EXPECT_EQ(fate_kind(at[0]), "deleted") << at[0].dump();
  auto layer = num(at[0], "layer_index");
  auto changed = changed_in_layer(at[0]);
  ASSERT_TRUE(layer && changed) << at[0].dump();
  EXPECT_GT(*changed, *layer);
  auto step = num(at[0], "history_step");
  ASSERT_TRUE(step.has_value()) << at[0].dump();
  EXPECT_NE(history_created_by(config_, *step).find("_authToken"), std::string::npos)
      << "history step " << *step << " is not the RUN that wrote .npmrc";
}

TEST_F(BuildahLeakyTest, EnvSecretFoundInConfigEnvAndHistory) {
  const json& f = need("stripe.", "STRIPE_KEY");
  ASSERT_TRUE(f.is_object());
  bool in_env = false, in_history = false;
  for (const json& l : locations(f, "config")) {
    std::string where = str(l, "config_location");
    in_env |= where.find("Env") != std::string::npos;
    in_history |= starts_with(where, "history[");
  }
  EXPECT_TRUE(in_env) << f.dump(2);
  EXPECT_TRUE(in_history) << f.dump(2);
}

TEST_F(BuildahLeakyTest, AwsKeysInDotEnvArePresent) {
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}) {
    const json& f = need("aws.", name);
    ASSERT_TRUE(f.is_object()) << name;
    std::vector<json> at = layer_locations_at(f, "app/.env");
    ASSERT_EQ(at.size(), 1u) << name << "\n" << f.dump(2);
    EXPECT_EQ(fate_kind(at[0]), "present") << at[0].dump();
    EXPECT_GE(num(at[0], "line").value_or(0), 2) << "line 1 of .env is a comment";
  }
}

TEST_F(BuildahLeakyTest, LayerOfOneCopyStepMapsToThatStepAlone) {
  const json& f = need("aws.", "AWS_ACCESS_KEY_ID");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/.env");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  auto step = num(at[0], "history_step");
  ASSERT_TRUE(step.has_value()) << at[0].dump();
  // ARG/ENV/WORKDIR before it are empty_layer entries: they made no layer.
  EXPECT_NE(history_created_by(config_, *step).find("COPY"), std::string::npos)
      << "history step " << *step << ": " << history_created_by(config_, *step);
  auto last = num(at[0], "history_last");
  EXPECT_TRUE(!last || *last == *step) << at[0].dump();
}

TEST_F(BuildahLeakyTest, PrivateKeyIsDeletedLater) {
  std::string pem = secret("ID_RSA");
  ASSERT_FALSE(pem.empty());
  std::string first_body_line = pem.substr(pem.find('\n') + 1, 40);
  const json* key = nullptr;
  std::vector<json> at;
  for (const json& f : findings_of(report())) {
    if (!starts_with(str(f, "rule_id"), "private-key")) continue;
    at = layer_locations_at(f, "app/id_rsa");
    if (!at.empty()) {
      key = &f;
      break;
    }
  }
  ASSERT_NE(key, nullptr) << summary(report());
  std::string value = secret_value(*key);
  EXPECT_TRUE((!value.empty() && pem.find(value) != std::string::npos) ||
              value.find(first_body_line) != std::string::npos)
      << "the revealed value is not from the generated key";
  EXPECT_EQ(fate_kind(at[0]), "deleted") << at[0].dump();
  EXPECT_GT(changed_in_layer(at[0]).value_or(-1), num(at[0], "layer_index").value_or(99));
}

TEST_F(BuildahLeakyTest, CacheTokenHiddenByOpaqueDirOrDeleted) {
  std::string driver_file = real_fixture("driver.txt");
  ASSERT_FALSE(driver_file.empty());
  std::string driver = read_file(driver_file);
  driver = driver.substr(0, driver.find_first_of("\r\n"));
  // Only overlay writes .wh..wh..opq; vfs writes one .wh.<name> per file.
  std::string expected = driver == "overlay" ? "hidden-by-opaque-dir" : "deleted";
  const json& f = need("github.", "CACHE_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/cache/token");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  EXPECT_EQ(fate_kind(at[0]), expected) << "driver " << driver << ": " << at[0].dump();
  EXPECT_GT(changed_in_layer(at[0]).value_or(-1), num(at[0], "layer_index").value_or(99));
}

TEST_F(BuildahLeakyTest, FileOverwrittenWithOtherContentIsOverwritten) {
  const json& f = need("github.", "OVERWRITTEN_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/settings.conf");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  EXPECT_EQ(fate_kind(at[0]), "overwritten") << at[0].dump();
  EXPECT_GT(changed_in_layer(at[0]).value_or(-1), num(at[0], "layer_index").value_or(99));
}

TEST_F(BuildahLeakyTest, FileOverwrittenWithIdenticalContentIsPresent) {
  const json& f = need("npm.", "IDENTICAL_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/identical.conf");
  ASSERT_FALSE(at.empty()) << f.dump(2);
  for (const json& l : at) EXPECT_EQ(fate_kind(l), "present") << l.dump();
}

TEST_F(BuildahLeakyTest, SecretMountValueNeverInOutput) {
  std::string value = secret("MOUNT_SECRET");
  ASSERT_FALSE(value.empty());
  EXPECT_EQ(scan_->run.out.find(value), std::string::npos);
  EXPECT_EQ(scan_->run.err.find(value), std::string::npos);
}

TEST_F(BuildahLeakyTest, HistoryOnlyBuildArgMarksTheSecretMountStep) {
  const json& f = need("github.", "GITHUB_TOKEN");
  ASSERT_TRUE(f.is_object());
  EXPECT_TRUE(locations(f, "layer-file").empty()) << "GITHUB_TOKEN never reaches a file";
  bool seen_true = false, seen_false = false;
  for (const json& l : locations(f, "config")) {
    if (str(l, "build_arg") != "GITHUB_TOKEN") continue;
    auto step = num(l, "history_step");
    ASSERT_TRUE(step.has_value()) << l.dump();
    bool mounts =
        history_created_by(config_, *step).find("--mount=type=secret") != std::string::npos;
    ASSERT_TRUE(l.contains("step_mounts_secret")) << l.dump();
    EXPECT_EQ(l["step_mounts_secret"].get<bool>(), mounts) << "history step " << *step;
    (mounts ? seen_true : seen_false) = true;
  }
  // buildah lists every declared ARG on every later RUN, the --mount one included.
  EXPECT_TRUE(seen_false) << f.dump(2);
  EXPECT_TRUE(seen_true) << f.dump(2);
}

TEST_F(BuildahLeakyTest, SecretsAreRedactedWithoutReveal) {
  // Debug logging on: diagnostics must not carry secrets either.
  RunResult r = run_strata({"scan", path_, "--format", "json", "-vv"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  for (const auto& [name, value] : secrets().items()) {
    std::string v = value.get<std::string>();
    if (name == "ID_RSA") v = v.substr(v.find('\n') + 1, 40);  // a line of the key body
    EXPECT_EQ(r.out.find(v), std::string::npos) << name << " revealed in stdout";
    EXPECT_EQ(r.err.find(v), std::string::npos) << name << " revealed in stderr";
  }
}

TEST_F(BuildahLeakyTest, TextReportNamesThePathAndRedacts) {
  RunResult r = run_strata({"scan", path_, "--format", "text"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("root/.npmrc"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(secret("NPM_TOKEN")), std::string::npos);
}

class BuildahSquashedTest : public RealImageTest {
 protected:
  void SetUp() override { load("buildah-squashed.docker.tar"); }
};

TEST_F(BuildahSquashedTest, SquashedLayerLocationCarriesHistoryRange) {
  const json& f = need("aws.", "AWS_ACCESS_KEY_ID");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/.env");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  auto first = num(at[0], "history_step");
  auto last = num(at[0], "history_last");
  ASSERT_TRUE(first && last) << "a squashed layer covers a range of steps: " << at[0].dump();
  EXPECT_LT(*first, *last);
  // The range covers the RUN steps that were squashed into this one layer.
  int64_t rm_step = -1;
  const json& history = config_["history"];
  for (size_t i = 0; i < history.size(); ++i) {
    if (str(history[i], "created_by").find("rm -f /app/id_rsa") != std::string::npos) rm_step = i;
  }
  ASSERT_GE(rm_step, 0);
  EXPECT_LE(*first, rm_step);
  EXPECT_GE(*last, rm_step);
}

TEST_F(BuildahSquashedTest, FilesDeletedWithinTheSquashAreNotInAnyLayer) {
  const json& f = need("npm.", "NPM_TOKEN");  // still in history
  ASSERT_TRUE(f.is_object());
  EXPECT_TRUE(layer_locations_at(f, "root/.npmrc").empty()) << f.dump(2);
  EXPECT_FALSE(locations(f, "config").empty()) << f.dump(2);
}

class BuildahMultistageTest : public RealImageTest {
 protected:
  void SetUp() override { load("buildah-multistage.docker.tar"); }
};

TEST_F(BuildahMultistageTest, CopyFromBuilderSecretFoundInFinalImage) {
  const json& f = need("npm.", "BUILDER_TOKEN");
  ASSERT_TRUE(f.is_object());
  std::vector<json> at = layer_locations_at(f, "app/.npmrc");
  ASSERT_EQ(at.size(), 1u) << f.dump(2);
  EXPECT_EQ(fate_kind(at[0]), "present");
  // The builder stage's history (with the ARG value) is not carried into the final image.
  EXPECT_TRUE(locations(f, "config").empty()) << f.dump(2);
}

TEST_F(BuildahMultistageTest, BuilderOnlyTokenIsAbsent) {
  std::string value = secret("BUILDER_ONLY_TOKEN");
  ASSERT_FALSE(value.empty());
  EXPECT_EQ(scan_->run.out.find(value), std::string::npos);
}

// The fixture tokens are generated with real checksums (tests/support/real-images/lib.sh).
TEST(RealChecksumTest, FixtureTokensHaveValidChecksums) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  const RealScan& s = scan_cached({tar});
  int checked = 0;
  for (const json& f : findings_of(s.json_report)) {
    std::string rule = str(f, "rule_id");
    if (rule != "github.token" && rule != "npm.access-token") continue;
    EXPECT_EQ(f["validation"]["checksum"], "valid") << rule;
    EXPECT_EQ(f["confidence"], "high") << rule;
    ++checked;
  }
  EXPECT_GT(checked, 0) << describe(s.run);
}

}  // namespace
}  // namespace strata::test::real
