// Remediation on images built by real tools (tests/support/build-real-images.sh): the JSON
// `remediation` of a build-arg leak, an ENV leak, a COPY'd .env and a deleted file; with
// --dockerfile, history steps mapped to the Containerfile's lines (buildah, BuildKit, the
// classic builder) and the SARIF config locations pointing at it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

// The Containerfile a fixture was built from, with its @NAME@ placeholders filled in as
// build-real-images.sh does; written into `dir`.
std::string filled_containerfile(const TempDir& dir, const std::string& name,
                                 bool drop_mount_lines = false) {
  std::string text =
      read_file(std::string(STRATA_SOURCE_DIR) + "/tests/support/real-images/" + name);
  std::string overwritten = secret("OVERWRITTEN_TOKEN");
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
      text.replace(pos, from.size(), to);
      pos += to.size();
    }
  };
  replace("@STRIPE_KEY@", secret("STRIPE_KEY"));
  replace("@OVERWRITTEN_HEAD@", overwritten.substr(0, 4));
  replace("@OVERWRITTEN_TAIL@", overwritten.size() > 4 ? overwritten.substr(4) : "");
  if (drop_mount_lines) {  // what the classic build was given
    std::string kept;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = std::min(text.find('\n', pos), text.size());
      std::string line = text.substr(pos, end - pos);
      if (line.find("--mount=") == std::string::npos) kept += line + "\n";
      pos = end + 1;
    }
    text = kept;
  }
  std::string path = dir.path() + "/" + name;
  write_file(path, text);
  return path;
}

// The 1-based line of the file holding `part` (0 when none).
int line_of(const std::string& path, const std::string& part) {
  std::string text = read_file(path);
  int line = 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    if (text.substr(pos, end - pos).find(part) != std::string::npos) return line;
    ++line;
    pos = end + 1;
  }
  return 0;
}

const json* step_of(const json& finding, const std::string& kind) {
  if (!finding.contains("remediation")) return nullptr;
  for (const json& s : finding["remediation"]) {
    if (str(s, "kind") == kind) return &s;
  }
  return nullptr;
}

const json* secret_file(const json& report, const std::string& rule, const std::string& path) {
  for (const json& f : findings_of(report)) {
    if (str(f, "rule_id") == rule && f.contains("secret") && str(f["secret"], "path") == path) {
      return &f;
    }
  }
  return nullptr;
}

class BuildahRemediationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tar_ = real_fixture("buildah-leaky.docker.tar");
    if (tar_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing: buildah";
    scan_ = &scan_cached({tar_});
    ASSERT_TRUE(scan_->json_report.is_object()) << describe(scan_->run);
  }
  std::string tar_;
  const RealScan* scan_ = nullptr;
};

TEST_F(BuildahRemediationTest, BuildArgWrittenToAFileBecomesASecretFileMount) {
  const json* f = find_finding(scan_->json_report, "npm.", secret("NPM_TOKEN"));
  ASSERT_NE(f, nullptr);
  const json* s = step_of(*f, "build-secret-file");
  ASSERT_NE(s, nullptr) << f->dump(2);
  EXPECT_EQ(str(*s, "after"),
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc echo built > /app/artifact.txt");
  EXPECT_EQ(str(*s, "command"), "docker build --secret id=npmrc,src=.npmrc .");
  EXPECT_NE(str(*s, "before").find("NPM_TOKEN=… /bin/sh -c echo"), std::string::npos);
  EXPECT_EQ(str(f->at("remediation").back(), "kind"), "rotate");
  EXPECT_NE(str(f->at("remediation").back(), "text").find("at npm"), std::string::npos);
}

TEST_F(BuildahRemediationTest, BuildArgUsedByACommandBecomesAnEnvSecretMount) {
  const json* f = find_finding(scan_->json_report, "github.", secret("GITHUB_TOKEN"));
  ASSERT_NE(f, nullptr);
  const json* s = step_of(*f, "build-secret");
  ASSERT_NE(s, nullptr) << f->dump(2);
  EXPECT_TRUE(starts_with(str(*s, "after"),
                          "RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN test -n "
                          "\"$GITHUB_TOKEN\" && "));
  EXPECT_EQ(str(*s, "command"), "docker build --secret id=github_token,env=GITHUB_TOKEN .");
  EXPECT_NE(str(*s, "text").find("$(cat /run/secrets/github_token)"), std::string::npos);
}

TEST_F(BuildahRemediationTest, EnvIsInjectedAtRunTime) {
  const json* f = find_finding(scan_->json_report, "stripe.", secret("STRIPE_KEY"));
  ASSERT_NE(f, nullptr);
  const json* s = step_of(*f, "runtime-env");
  ASSERT_NE(s, nullptr) << f->dump(2);
  EXPECT_EQ(str(*s, "before"), "ENV STRIPE_API_KEY=…");
  EXPECT_TRUE(starts_with(str(*s, "command"), "docker run -e STRIPE_API_KEY "));
}

TEST_F(BuildahRemediationTest, CopiedDotenvGetsDockerignoreLines) {
  const json* f = secret_file(scan_->json_report, "file.dotenv", "app/.env");
  ASSERT_NE(f, nullptr);
  const json* s = step_of(*f, "dockerignore");
  ASSERT_NE(s, nullptr) << f->dump(2);
  EXPECT_EQ(s->at("lines"), json::array({"**/.env"}));
  EXPECT_FALSE(s->contains("after")) << "only the fields a step has";
  EXPECT_FALSE(s->contains("command"));
  EXPECT_NE(str(*s, "text").find("does not record COPY --from"), std::string::npos);
}

TEST_F(BuildahRemediationTest, DeletedFileSaysWhyItIsStillThere) {
  const json* f = secret_file(scan_->json_report, "file.ssh-private-key", "app/id_rsa");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->contains("remediation"));
  const json& first = f->at("remediation").front();
  EXPECT_EQ(str(first, "kind"), "deleted-file");
  std::vector<json> places = layer_locations_at(*f, "app/id_rsa");
  ASSERT_FALSE(places.empty());
  std::string layer = std::to_string(num(places[0], "layer_index").value_or(-1));
  EXPECT_NE(str(first, "text").find("layer " + layer + " still holds it"), std::string::npos);
  EXPECT_NE(str(first, "text").find("rm -f /app/id_rsa"), std::string::npos);
  EXPECT_NE(step_of(*f, "dockerignore"), nullptr);  // then the fix
}

TEST_F(BuildahRemediationTest, NoRemediationFieldHoldsASecret) {
  for (const json& f : findings_of(scan_->json_report)) {
    if (!f.contains("remediation")) continue;
    std::string text = f["remediation"].dump();
    for (const auto& [name, value] : secrets().items()) {
      if (name == "ID_RSA" || !value.is_string()) continue;
      EXPECT_EQ(text.find(value.get<std::string>()), std::string::npos) << name;
    }
  }
}

TEST_F(BuildahRemediationTest, DockerfileLinesFollowTheContainerfile) {
  TempDir dir;
  std::string containerfile = filled_containerfile(dir, "leaky.Containerfile");
  RealScan s = scan_json({tar_, "--dockerfile", containerfile});
  ASSERT_TRUE(s.json_report.is_object()) << describe(s.run);
  const json* npm = find_finding(s.json_report, "npm.", secret("NPM_TOKEN"));
  ASSERT_NE(npm, nullptr);
  int run_line = line_of(containerfile, "> /root/.npmrc");
  ASSERT_GT(run_line, 0);
  bool checked = false;
  for (const json& l : npm->at("locations")) {
    if (str(l, "created_by").find("> /root/.npmrc") == std::string::npos) continue;
    EXPECT_EQ(num(l, "dockerfile_line"), run_line) << l.dump();
    checked = true;
  }
  EXPECT_TRUE(checked);
  const json* s_step = step_of(*npm, "build-secret-file");
  ASSERT_NE(s_step, nullptr);
  EXPECT_TRUE(starts_with(str(*s_step, "before"), "RUN echo \"//registry.npmjs.org/"));
  EXPECT_NE(str(*s_step, "text")
                .find("`ARG NPM_TOKEN` line (Dockerfile line " +
                      std::to_string(line_of(containerfile, "ARG NPM_TOKEN")) + ")"),
            std::string::npos);

  const json* stripe = find_finding(s.json_report, "stripe.", secret("STRIPE_KEY"));
  ASSERT_NE(stripe, nullptr);
  for (const json& l : stripe->at("locations")) {
    EXPECT_EQ(num(l, "dockerfile_line"), line_of(containerfile, "ENV STRIPE_API_KEY")) << l.dump();
  }
  const json* dotenv = secret_file(s.json_report, "file.dotenv", "app/.env");
  ASSERT_NE(dotenv, nullptr);
  ASSERT_NE(step_of(*dotenv, "dockerignore"), nullptr);
  EXPECT_EQ(step_of(*dotenv, "dockerignore")->at("lines"), json::array({".env", "**/.env"}));
}

TEST_F(BuildahRemediationTest, SarifConfigLocationsPointAtTheDockerfile) {
  TempDir dir;
  std::string containerfile = filled_containerfile(dir, "leaky.Containerfile");
  RunResult r = run_strata({"scan", tar_, "--format", "sarif", "--dockerfile", containerfile});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json log = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(log.is_object());
  int env_line = line_of(containerfile, "ENV STRIPE_API_KEY");
  bool found = false;
  for (const json& result : log["runs"][0]["results"]) {
    if (str(result, "ruleId") != "stripe.live-secret-key") continue;
    found = true;
    const json& physical = result["locations"][0]["physicalLocation"];
    std::string uri = str(physical["artifactLocation"], "uri");
    EXPECT_TRUE(uri.ends_with("leaky.Containerfile")) << uri;
    EXPECT_FALSE(uri.starts_with("/")) << uri;
    EXPECT_EQ(physical["region"]["startLine"], env_line);
    EXPECT_NE(str(result["message"], "text").find("Fix: delete `ENV STRIPE_API_KEY=…`"),
              std::string::npos);
    EXPECT_TRUE(result["properties"]["remediation"].is_array());
  }
  EXPECT_TRUE(found);
}

TEST_F(BuildahRemediationTest, AMissingDockerfileIsAUsageError) {
  TempDir dir;
  RunResult r = run_strata({"scan", tar_, "--dockerfile", dir.path() + "/missing/Dockerfile"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing/Dockerfile"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(MultistageRemediationTest, CopyFromABuilderIsNamedWithTheDockerfile) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-multistage.docker.tar", "buildah");
  TempDir dir;
  std::string containerfile = filled_containerfile(dir, "multistage.Containerfile");
  RealScan s = scan_json({tar, "--dockerfile", containerfile});
  const json* f = find_finding(s.json_report, "npm.", secret("BUILDER_TOKEN"));
  ASSERT_NE(f, nullptr) << describe(s.run);
  const json* step = step_of(*f, "copy-from");
  ASSERT_NE(step, nullptr) << f->dump(2);
  EXPECT_EQ(str(*step, "before"), "COPY --from=builder /src/.npmrc /app/.npmrc");
  EXPECT_TRUE(
      starts_with(str(*step, "after"), "RUN --mount=type=secret,id=npmrc,target=/src/.npmrc "));
  EXPECT_NE(str(*step, "text").find("ARG BUILDER_TOKEN"), std::string::npos);

  // Without the Dockerfile, history cannot tell a COPY --from from a COPY of the context.
  const RealScan& plain = scan_cached({tar});
  const json* g = find_finding(plain.json_report, "npm.", secret("BUILDER_TOKEN"));
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(step_of(*g, "copy-from"), nullptr);
  ASSERT_NE(step_of(*g, "dockerignore"), nullptr);
  EXPECT_NE(str(*step_of(*g, "dockerignore"), "text").find("does not record COPY --from"),
            std::string::npos);
}

struct DockerMapping {
  const char* fixture;
  bool drop_mount_lines;  // the classic builder was given the file without --mount lines
};

class DockerMappingTest : public ::testing::TestWithParam<DockerMapping> {};

TEST_P(DockerMappingTest, HistoryStepsMapToTheDockerfile) {
  STRATA_REQUIRE_FIXTURE(tar, GetParam().fixture, "dockerd");
  TempDir dir;
  std::string dockerfile =
      filled_containerfile(dir, "docker.Dockerfile", GetParam().drop_mount_lines);
  RealScan s = scan_json({tar, "--dockerfile", dockerfile});
  const json* npm = find_finding(s.json_report, "npm.", secret("NPM_TOKEN"));
  ASSERT_NE(npm, nullptr) << describe(s.run);
  std::vector<json> files = layer_locations_at(*npm, "root/.npmrc");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(num(files[0], "dockerfile_line"), line_of(dockerfile, "> /root/.npmrc"));
  const json* dotenv = secret_file(s.json_report, "file.dotenv", "app/.env");
  ASSERT_NE(dotenv, nullptr);
  EXPECT_EQ(num(dotenv->at("locations")[0], "dockerfile_line"), line_of(dockerfile, "COPY .env"));
}

TEST(DockerWrongDockerfileTest, MapsNothing) {
  // The classic build dropped the --mount line: the full Dockerfile has one RUN too many.
  STRATA_REQUIRE_FIXTURE(tar, "docker-classic.docker.tar", "dockerd");
  TempDir dir;
  std::string dockerfile = filled_containerfile(dir, "docker.Dockerfile", false);
  RealScan s = scan_json({tar, "--dockerfile", dockerfile});
  ASSERT_FALSE(findings_of(s.json_report).empty()) << describe(s.run);
  for (const json& f : findings_of(s.json_report)) {
    for (const json& l : f["locations"]) EXPECT_FALSE(l.contains("dockerfile_line")) << l.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Builders, DockerMappingTest,
                         ::testing::Values(DockerMapping{"docker-buildkit.docker.tar", false},
                                           DockerMapping{"docker-classic.docker.tar", true}),
                         [](const auto& info) {
                           return std::string(info.param.drop_mount_lines ? "classic" : "buildkit");
                         });

}  // namespace
}  // namespace strata::test::real
