// Scanning by image reference from a real registry (Debian's docker-registry on 127.0.0.1,
// images pushed by skopeo): the same findings, fates and history steps as the same image read
// from files; every manifest shape; auth from every source; and faults on the wire (a dropped
// blob, 429, 503, a redirect) ending in the same findings or a clear exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "strata/core/base64.hpp"
#include "support/python_server.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/registry_fixtures.hpp"
#include "support/registry_server.hpp"
#include "support/subprocess.hpp"

namespace strata::test::real {
namespace {

namespace fs = std::filesystem;

// What must not depend on where the image came from: each finding's fingerprint, and each of
// its layer-file locations with its fate and history step.
using LayerView = std::set<std::tuple<std::string, std::string, std::string, int64_t>>;

LayerView layer_view(const json& report) {
  LayerView view;
  for (const json& f : findings_of(report)) {
    for (const json& loc : locations(f, "layer-file")) {
      view.emplace(str(f, "fingerprint"), str(loc, "path"), fate_kind(loc),
                   num(loc, "history_step").value_or(-1));
    }
  }
  return view;
}

std::set<std::string> fingerprints(const json& report) {
  std::set<std::string> out;
  for (const json& f : findings_of(report)) out.insert(str(f, "fingerprint"));
  return out;
}

std::string password_for_tests() { return std::string("reg-") + "pass-" + "7Qx2"; }

// A registry with the fixture set pushed, shared by the tests of one suite.
struct PushedRegistry {
  std::unique_ptr<RegistryServer> server;
  FixtureSet set;
  std::string skip;  // why the suite cannot run

  std::string ref(const std::string& key) const {
    return server->host() + "/" + set.at(key).reference;
  }
};

std::unique_ptr<PushedRegistry> push_registry(RegistryServerOptions options) {
  auto out = std::make_unique<PushedRegistry>();
  if (std::string missing = RegistryServer::missing_tools(options.auth); !missing.empty()) {
    out->skip = "not installed: " + missing;
    return out;
  }
  out->server = std::make_unique<RegistryServer>(std::move(options));
  out->set = push_fixture_set(*out->server);
  if (!out->set.missing.empty()) out->skip = "fixture missing: " + out->set.missing;
  return out;
}

class RegistryScanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { registry_ = push_registry({}).release(); }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
  }
  void SetUp() override {
    if (!registry_->skip.empty()) STRATA_SKIP_OR_FAIL() << registry_->skip;
    ASSERT_TRUE(registry_->set.error.empty()) << registry_->set.error;
  }
  static const RealScan& scan(const std::string& key) { return scan_cached({registry_->ref(key)}); }

  static PushedRegistry* registry_;
};
PushedRegistry* RegistryScanTest::registry_ = nullptr;

// --- the same image from a registry, an OCI directory and a docker save -----------------------

TEST_F(RegistryScanTest, GzipImageMatchesItsOciDirectoryAndDockerArchive) {
  STRATA_REQUIRE_FIXTURE(dir, "buildah-leaky.oci-gzip", "buildah");
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  const RealScan& got = scan("gzip");
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  const RealScan& dir_scan = scan_cached({"oci:" + dir});
  const RealScan& tar_scan = scan_cached({tar});
  ASSERT_FALSE(layer_view(dir_scan.json_report).empty());
  EXPECT_EQ(layer_view(got.json_report), layer_view(dir_scan.json_report));
  EXPECT_EQ(fingerprints(got.json_report), fingerprints(dir_scan.json_report));
  EXPECT_EQ(layer_view(got.json_report), layer_view(tar_scan.json_report));
  EXPECT_EQ(finding_keys(got.json_report), finding_keys(tar_scan.json_report));
}

class RegistryFormatTest : public RegistryScanTest,
                           public ::testing::WithParamInterface<const char*> {};

TEST_P(RegistryFormatTest, MatchesTheGzipImage) {
  const RealScan& want = scan("gzip");
  const RealScan& got = scan(GetParam());
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  EXPECT_EQ(finding_keys(got.json_report), finding_keys(want.json_report));
  EXPECT_EQ(layer_view(got.json_report), layer_view(want.json_report));
}

INSTANTIATE_TEST_SUITE_P(Layers, RegistryFormatTest,
                         ::testing::Values("zstd", "uncompressed", "v2s2", "v2s2-raw-layers"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::erase(name, '-');
                           return name;
                         });

// --- references, digests and platforms -------------------------------------------------------

TEST_F(RegistryScanTest, ReportNamesTheManifestDigestScannedWhenGivenATag) {
  const RealScan& got = scan("gzip");
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  const json& image = got.json_report["images"][0];
  std::string digest = registry_->set.at("gzip").digest;
  EXPECT_EQ(str(image, "manifest_digest"), digest);
  EXPECT_EQ(str(image, "reference"), registry_->server->host() + "/fixtures/leaky@" + digest);
  RunResult text = run_strata({"scan", registry_->ref("gzip"), "--no-color"});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  std::string first_line = text.out.substr(0, text.out.find('\n'));
  EXPECT_NE(first_line.find("/fixtures/leaky@" + digest), std::string::npos) << first_line;
}

TEST_F(RegistryScanTest, DockerTransportWithADigestGivesTheSameFindings) {
  std::string digest = registry_->set.at("gzip").digest;
  RealScan got = scan_json({"docker://" + registry_->server->host() + "/fixtures/leaky@" + digest});
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  EXPECT_EQ(layer_view(got.json_report), layer_view(scan("gzip").json_report));
}

TEST_F(RegistryScanTest, AWrongDigestIsAnErrorNamingTheReference) {
  std::string wrong = "sha256:" + std::string(64, 'a');
  RunResult r = run_strata({"scan", registry_->server->host() + "/fixtures/leaky@" + wrong});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("fixtures/leaky"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("MANIFEST_UNKNOWN"), std::string::npos) << r.err;
}

TEST_F(RegistryScanTest, AMissingTagIsAnErrorNamingTheReferenceAndStatus) {
  RunResult r = run_strata({"scan", registry_->server->host() + "/fixtures/leaky:no-such-tag"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("fixtures/leaky:no-such-tag"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
}

TEST_F(RegistryScanTest, EveryPlatformOfAnIndexByDefaultAndOneWithPlatform) {
  STRATA_REQUIRE_FIXTURE(dir, "multi-platform.oci", "buildah manifest");
  const RealScan& all = scan("multi-platform");
  ASSERT_LE(all.run.exit_code, 1) << describe(all.run);
  std::set<std::string> platforms;
  for (const json& image : all.json_report["images"]) platforms.insert(str(image, "platform"));
  EXPECT_EQ(platforms, (std::set<std::string>{"linux/amd64", "linux/arm64"}));
  EXPECT_EQ(finding_keys(all.json_report), finding_keys(scan_cached({"oci:" + dir}).json_report));

  RealScan arm = scan_json({registry_->ref("multi-platform"), "--platform", "linux/arm64"});
  ASSERT_LE(arm.run.exit_code, 1) << describe(arm.run);
  ASSERT_EQ(arm.json_report["images"].size(), 1u);
  EXPECT_EQ(str(arm.json_report["images"][0], "platform"), "linux/arm64");
  RealScan arm_dir = scan_json({"oci:" + dir, "--platform", "linux/arm64"});
  EXPECT_EQ(finding_keys(arm.json_report), finding_keys(arm_dir.json_report));
}

TEST_F(RegistryScanTest, AttestationManifestsAreScannedAsForFiles) {
  const RealScan& got = scan("attested");
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  int attestations = 0;
  for (const json& image : got.json_report["images"]) {
    attestations += image.value("attestation", false) ? 1 : 0;
  }
  EXPECT_EQ(attestations, 1);
  // The provenance records the build argument; the image's own findings are all there too.
  EXPECT_NE(find_any_containing(got.json_report, secret("NPM_TOKEN")), nullptr);
  const auto image_keys = finding_keys(scan("gzip").json_report);
  const auto got_keys = finding_keys(got.json_report);
  for (const auto& key : image_keys) EXPECT_TRUE(got_keys.count(key)) << key.first;
}

TEST_F(RegistryScanTest, AForeignLayerIsSkippedAndListedWhileTheRestIsScanned) {
  const RealScan& got = scan("foreign");
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  std::string skipped = got.json_report["skipped"].dump();
  EXPECT_NE(skipped.find("foreign layer"), std::string::npos) << skipped;
  EXPECT_EQ(layer_view(got.json_report), layer_view(scan("gzip").json_report));
}

TEST_F(RegistryScanTest, ASchema1ManifestIsRefusedWithAClearMessage) {
  RunResult r = run_strata({"scan", registry_->ref("schema1")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("schema 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fixtures/leaky:schema1"), std::string::npos) << r.err;
}

// A name that is not loopback by docker's rule is spoken to in HTTPS, never plain HTTP, unless
// --plain-http says so. 0.0.0.0 reaches this host's loopback registry without being a loopback
// name.
TEST_F(RegistryScanTest, ANonLoopbackNameGetsHttpsUnlessPlainHttpIsGiven) {
  std::string url = registry_->server->url();
  std::string ref =
      "0.0.0.0:" + url.substr(url.rfind(':') + 1) + "/" + registry_->set.at("gzip").reference;
  RunResult https = run_strata({"scan", ref, "--retries", "0"});
  EXPECT_EQ(https.exit_code, 2) << https.err;
  EXPECT_NE(https.err.find("https://0.0.0.0:"), std::string::npos) << https.err;
  RealScan plain = scan_json({ref, "--plain-http"});
  ASSERT_EQ(plain.run.exit_code, 1) << describe(plain.run);
  EXPECT_EQ(fingerprints(plain.json_report), fingerprints(scan("gzip").json_report));
}

TEST_F(RegistryScanTest, NoTemporaryFilesAreWritten) {
  TempDir tmp;
  RunResult r = run_strata_env({"scan", registry_->ref("zstd"), "--format", "json"},
                               {"TMPDIR=" + tmp.path()});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

// --- faults between strata and the registry --------------------------------------------------

// tests/support/fault_proxy.py in front of the registry.
class FaultProxy {
 public:
  FaultProxy(const std::string& upstream, std::vector<std::string> faults) {
    faults.insert(faults.begin(), {"--upstream", upstream});
    PythonServer started = start_python_server("fault_proxy.py", faults);
    process_ = std::move(started.process);
    if (std::sscanf(started.first_line.c_str(), "%d %d", &port_, &second_port_) != 2) {
      throw std::runtime_error("fault_proxy.py did not start");
    }
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  json stats() const {
    CommandResult c = run_command(
        {"curl", "-s", "http://127.0.0.1:" + std::to_string(second_port_) + "/__stats"});
    return json::parse(c.output, nullptr, false);
  }

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  int second_port_ = 0;
};

struct FaultCase {
  const char* name;
  std::vector<std::string> faults;
  const char* stat;  // a counter in the proxy's stats that must show the fault happened
};
void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class RegistryFaultTest : public RegistryScanTest,
                          public ::testing::WithParamInterface<FaultCase> {};

TEST_P(RegistryFaultTest, EndsWithTheSameFindingsAsACleanRun) {
  FaultProxy proxy(registry_->server->url(), GetParam().faults);
  std::string ref = proxy.host() + "/" + registry_->set.at("gzip").reference;
  RealScan got = scan_json({ref, "--retries", "3"});
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  EXPECT_EQ(layer_view(got.json_report), layer_view(scan("gzip").json_report));
  json stats = proxy.stats();
  std::string stat = GetParam().stat;
  int64_t seen =
      stat == "second" ? stats["requests"]["second"].get<int64_t>() : stats[stat].get<int64_t>();
  EXPECT_GT(seen, 0) << stats.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RegistryFaultTest,
    ::testing::Values(
        FaultCase{"DroppedMidBlobResumesWithRange",
                  {"--path-regex", "/blobs/", "--drop-after", "300000", "--times", "2"},
                  "range_requests"},
        FaultCase{"DroppedMidBlobWithoutRangeRestarts",
                  {"--path-regex", "/blobs/", "--drop-after", "300000", "--ignore-range"},
                  "faults_injected"},
        FaultCase{"TooManyRequestsWithRetryAfter",
                  {"--path-regex", "/manifests/", "--status", "429", "--retry-after", "1",
                   "--times", "2"},
                  "faults_injected"},
        FaultCase{"ServiceUnavailable",
                  {"--path-regex", "/blobs/", "--status", "503", "--times", "2"},
                  "faults_injected"},
        FaultCase{"BlobsRedirectedToAnotherOrigin",
                  {"--path-regex", "/blobs/", "--redirect-to-second-port"},
                  "second"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(RegistryScanTest, RetriesRunningOutIsExit2NamingTheBlobAndStatus) {
  FaultProxy proxy(registry_->server->url(), {"--path-regex", "/blobs/sha256:[0-9a-f]+$",
                                              "--status", "503", "--times", "1000"});
  std::string ref = proxy.host() + "/" + registry_->set.at("gzip").reference;
  RealScan got = scan_json({ref, "--retries", "1"});
  EXPECT_EQ(got.run.exit_code, 2) << describe(got.run);
  EXPECT_NE(got.run.err.find("503"), std::string::npos) << got.run.err;
  EXPECT_NE(got.run.err.find("/blobs/sha256:"), std::string::npos) << got.run.err;
}

// A registry that labels every manifest application/json: schema 1 is still recognised by its
// own schemaVersion, and refused alike.
TEST_F(RegistryScanTest, ASchema1ManifestLabelledJsonIsRefusedAlike) {
  FaultProxy proxy(registry_->server->url(),
                   {"--path-regex", "/manifests/", "--content-type", "application/json"});
  RunResult r = run_strata({"scan", proxy.host() + "/" + registry_->set.at("schema1").reference});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("schema 1"), std::string::npos) << r.err;
}

// Layer bytes that do not match their digest (the last byte of each layer changed on the way):
// exit 2 with an error naming the blob and the digest check; what the layers' bytes held before
// the check failed at their end is still reported.
TEST_F(RegistryScanTest, LayerBytesThatDoNotMatchTheirDigestAreExit2WithFindingsKept) {
  FaultProxy proxy(registry_->server->url(), {"--path-regex", "/blobs/", "--flip-last-byte"});
  std::string ref = proxy.host() + "/" + registry_->set.at("uncompressed").reference;
  RealScan got = scan_json({ref, "--retries", "0"});
  EXPECT_EQ(got.run.exit_code, 2) << describe(got.run);
  EXPECT_NE(got.run.err.find("digest"), std::string::npos) << got.run.err;
  EXPECT_NE(got.run.err.find("sha256:"), std::string::npos) << got.run.err;
  EXPECT_FALSE(fingerprints(got.json_report).empty()) << describe(got.run);
  EXPECT_GT(proxy.stats()["requests"]["first"].get<int>(), 0);
}

// A registry that hands blobs to another origin gets no credentials there: behind basic auth
// the other origin answers 401 (it would need a signed URL, as object storage gives), and the
// scan ends with exit 2 naming it, not with the password sent along.
TEST(RegistryRedirectTest, CredentialsAreNotSentToTheOriginABlobIsRedirectedTo) {
  STRATA_REQUIRE_FIXTURE(dir, "buildah-leaky.oci-gzip", "buildah");
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kHtpasswd);
  RegistryServer server(htpasswd_auth({{"alice", password_for_tests()}}));
  ASSERT_TRUE(server.push("oci:" + dir + ":latest", "team/app:1").ok);
  FaultProxy proxy(server.url(),
                   {"--path-regex", "/blobs/sha256:[0-9a-f]+$", "--redirect-to-second-port"});
  TempDir home;
  write_file(home.path() + "/pw", password_for_tests() + "\n");
  RunResult r = run_strata_env(
      {"scan", proxy.host() + "/team/app:1", "--username", "alice", "--password-stdin"},
      {"DOCKER_CONFIG=" + home.path()}, home.path() + "/pw", 120);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
  json stats = proxy.stats();
  EXPECT_GT(stats["requests"]["second"].get<int>(), 0) << stats.dump();
  EXPECT_GT(stats["authorization"]["first"].get<int>(), 0) << stats.dump();
  EXPECT_EQ(stats["authorization"]["second"].get<int>(), 0) << stats.dump();
}

// --- TLS ------------------------------------------------------------------------------------

// A loopback registry on TLS: asked in plain HTTP first, it answers 400, so strata talks HTTPS
// to it, trusting --ca-file; without it, the error is the certificate's.
TEST(RegistryTlsTest, HttpsWithCaFileAndAClearErrorWithout) {
  STRATA_REQUIRE_FIXTURE(dir, "buildah-leaky.oci-gzip", "buildah");
  if (std::string missing = RegistryServer::missing_tools(RegistryAuth::kNone, true);
      !missing.empty()) {
    STRATA_SKIP_OR_FAIL() << "not installed: " << missing;
  }
  RegistryServerOptions options;
  options.tls = true;
  RegistryServer server(options);
  ASSERT_TRUE(server.push("oci:" + dir + ":latest", "team/app:1").ok);
  std::string ref = server.host() + "/team/app:1";

  RealScan trusted = scan_json({ref, "--ca-file", server.ca_file()});
  ASSERT_EQ(trusted.run.exit_code, 1) << describe(trusted.run);
  EXPECT_EQ(layer_view(trusted.json_report), layer_view(scan_cached({"oci:" + dir}).json_report));

  RunResult untrusted = run_strata({"scan", ref});
  EXPECT_EQ(untrusted.exit_code, 2) << untrusted.err;
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("https://" + server.host()), std::string::npos) << untrusted.err;
}

// --- credentials ------------------------------------------------------------------------------

}  // namespace
}  // namespace strata::test::real

namespace strata::test {
void PrintTo(RegistryAuth auth, std::ostream* os) {
  *os << (auth == RegistryAuth::kToken      ? "token"
          : auth == RegistryAuth::kHtpasswd ? "basic"
                                            : "none");
}
}  // namespace strata::test

namespace strata::test::real {
namespace {

// Every way a user's credentials reach strata, against a registry that demands them (basic
// auth, and bearer tokens from a token server).
class RegistryCredentialTest : public ::testing::TestWithParam<RegistryAuth> {
 protected:
  void SetUp() override {
    dir_ = real_fixture("buildah-leaky.oci-gzip");
    if (dir_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.oci-gzip missing";
    if (std::string missing = RegistryServer::missing_tools(GetParam()); !missing.empty()) {
      STRATA_SKIP_OR_FAIL() << "not installed: " << missing;
    }
    std::vector<RegistryUser> users = {{"alice", password_for_tests()}};
    server_ = std::make_unique<RegistryServer>(
        GetParam() == RegistryAuth::kToken ? token_auth(users) : htpasswd_auth(users));
    PushResult pushed = server_->push("oci:" + dir_ + ":latest", "team/app:1");
    ASSERT_TRUE(pushed.ok) << pushed.output;
    write_file(home_.path() + "/.keep", "");
  }

  // A scan of team/app:1 with these environment variables and arguments (-vv: the password must
  // not be in the debug output either).
  RealScan scan_with(std::vector<std::string> env, std::vector<std::string> extra = {},
                     const std::string& stdin_file = "") {
    std::vector<std::string> args = {
        "scan", server_->host() + "/team/app:1", "--format", "json", "--reveal", "-vv"};
    args.insert(args.end(), extra.begin(), extra.end());
    // No credentials but the ones the test gives.
    std::vector<std::string> base = {
        "HOME=" + home_.path(), "DOCKER_CONFIG=" + home_.path() + "/d",
        "REGISTRY_AUTH_FILE=", "XDG_RUNTIME_DIR=" + home_.path() + "/x"};
    base.insert(base.end(), env.begin(), env.end());
    RealScan s;
    s.run = run_strata_env(args, base, stdin_file, 120);
    s.json_report = json::parse(s.run.out, nullptr, false);
    EXPECT_EQ(s.run.err.find(password_for_tests()), std::string::npos) << s.run.err;
    EXPECT_EQ(s.run.out.find(password_for_tests()), std::string::npos);
    return s;
  }
  void expect_found_everything(const RealScan& s) {
    ASSERT_EQ(s.run.exit_code, 1) << describe(s.run);
    EXPECT_EQ(layer_view(s.json_report), layer_view(scan_cached({"oci:" + dir_}).json_report));
  }
  std::string auths_json(const std::string& password) {
    std::string auth = base64_encode("alice:" + password);
    return R"({"auths":{")" + server_->host() + R"(":{"auth":")" + auth + R"("}}})";
  }

  std::string dir_;
  std::unique_ptr<RegistryServer> server_;
  TempDir home_;
};

TEST_P(RegistryCredentialTest, WithoutCredentialsIsExit2SayingUnauthorized) {
  RealScan s = scan_with({});
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find("401"), std::string::npos) << s.run.err;
}

TEST_P(RegistryCredentialTest, AWrongPasswordIsExit2WithoutEchoingIt) {
  write_file(home_.path() + "/d/config.json", auths_json("not-" + password_for_tests()));
  RealScan s = scan_with({});
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find("401"), std::string::npos) << s.run.err;
  EXPECT_EQ(s.run.err.find("not-" + password_for_tests()), std::string::npos) << s.run.err;
}

TEST_P(RegistryCredentialTest, UsernameWithPasswordOnStdin) {
  write_file(home_.path() + "/pw", password_for_tests() + "\n");
  expect_found_everything(
      scan_with({}, {"--username", "alice", "--password-stdin"}, home_.path() + "/pw"));
}

TEST_P(RegistryCredentialTest, DockerConfigAuths) {
  write_file(home_.path() + "/d/config.json", auths_json(password_for_tests()));
  expect_found_everything(scan_with({}));
}

TEST_P(RegistryCredentialTest, HomeDockerConfigWhenDockerConfigIsUnset) {
  write_file(home_.path() + "/.docker/config.json", auths_json(password_for_tests()));
  expect_found_everything(scan_with({"DOCKER_CONFIG="}));
}

TEST_P(RegistryCredentialTest, RegistryAuthFile) {
  write_file(home_.path() + "/auth.json", auths_json(password_for_tests()));
  expect_found_everything(scan_with({"REGISTRY_AUTH_FILE=" + home_.path() + "/auth.json"}));
}

TEST_P(RegistryCredentialTest, ContainersAuthJsonUnderXdgRuntimeDir) {
  write_file(home_.path() + "/x/containers/auth.json", auths_json(password_for_tests()));
  expect_found_everything(scan_with({}));
}

TEST_P(RegistryCredentialTest, CredentialHelperFromCredHelpers) {
  std::string helper = home_.path() + "/bin/docker-credential-stratatest";
  write_file(helper,
             "#!/bin/sh\nread server\necho '{\"ServerURL\":\"'$server'\",\"Username\":"
             "\"alice\",\"Secret\":\"" +
                 password_for_tests() + "\"}'\n");
  fs::permissions(helper, fs::perms::owner_all);
  write_file(home_.path() + "/d/config.json",
             R"({"credHelpers":{")" + server_->host() + R"(":"stratatest"}})");
  const char* path = std::getenv("PATH");
  expect_found_everything(
      scan_with({"PATH=" + home_.path() + "/bin:" + (path ? path : "/usr/bin:/bin")}));
}

INSTANTIATE_TEST_SUITE_P(Auth, RegistryCredentialTest,
                         ::testing::Values(RegistryAuth::kHtpasswd, RegistryAuth::kToken),
                         [](const auto& info) {
                           return info.param == RegistryAuth::kToken ? "Token" : "Basic";
                         });

class RegistryTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = real_fixture("buildah-leaky.oci-gzip");
    if (dir_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.oci-gzip missing";
    if (std::string missing = RegistryServer::missing_tools(RegistryAuth::kToken);
        !missing.empty()) {
      STRATA_SKIP_OR_FAIL() << "not installed: " << missing;
    }
  }
  std::string dir_;
};

TEST_F(RegistryTokenTest, AnonymousPullWhereTheTokenServerAllowsIt) {
  RegistryServerOptions options = token_auth({{"alice", password_for_tests()}});
  options.anonymous_pull = true;
  RegistryServer server(options);
  ASSERT_TRUE(server.push("oci:" + dir_ + ":latest", "team/app:1").ok);
  RealScan s = scan_json({server.host() + "/team/app:1"});
  ASSERT_EQ(s.run.exit_code, 1) << describe(s.run);
  EXPECT_EQ(layer_view(s.json_report), layer_view(scan_cached({"oci:" + dir_}).json_report));
  EXPECT_GT(server.token_stats()["anonymous_tokens"].get<int>(), 0);
}

// A token that expires while the scan waits (a 503 with Retry-After longer than the token's
// life) is fetched again, and the scan ends as a clean one does.
TEST_F(RegistryTokenTest, ATokenThatExpiresMidScanIsRefreshed) {
  RegistryServerOptions options = token_auth({{"alice", password_for_tests()}});
  options.token_ttl_seconds = 2;
  RegistryServer server(options);
  ASSERT_TRUE(server.push("oci:" + dir_ + ":latest", "team/app:1").ok);
  FaultProxy proxy(server.url(), {"--path-regex", "/blobs/", "--status", "503", "--retry-after",
                                  "4", "--times", "1"});
  server.reset_token_stats();
  TempDir home;
  write_file(home.path() + "/pw", password_for_tests() + "\n");
  RunResult r = run_strata_env({"scan", proxy.host() + "/team/app:1", "--format", "json",
                                "--reveal", "--username", "alice", "--password-stdin"},
                               {"DOCKER_CONFIG=" + home.path()}, home.path() + "/pw", 120);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json report = json::parse(r.out, nullptr, false);
  EXPECT_EQ(layer_view(report), layer_view(scan_cached({"oci:" + dir_}).json_report));
  EXPECT_GE(server.token_stats()["tokens_issued"].get<int>(), 2) << server.token_stats().dump();
}

}  // namespace
}  // namespace strata::test::real
