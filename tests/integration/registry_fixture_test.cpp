// Smoke tests of the registry fixtures (tests/support/registry_server.hpp,
// registry_fixtures.hpp, token_server.py): a real docker-registry on 127.0.0.1, without auth,
// behind htpasswd and behind token auth, checked over plain HTTP, so the registry-source tests
// built on them can trust what they scan.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "strata/core/base64.hpp"
#include "strata/core/digest.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/registry_fixtures.hpp"
#include "support/registry_http.hpp"
#include "support/registry_server.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

const std::string kAccept =
    "Accept: application/vnd.oci.image.index.v1+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

std::string repo_of(const std::string& reference) {
  return reference.substr(0, reference.rfind(':'));
}
std::string tag_of(const std::string& reference) {
  return reference.substr(reference.rfind(':') + 1);
}

HttpReply get_manifest(const RegistryServer& reg, const std::string& repo, const std::string& ref,
                       std::vector<std::string> headers = {}) {
  headers.push_back(kAccept);
  return http_request("GET", reg.url() + "/v2/" + repo + "/manifests/" + ref, headers);
}

// The first `bytes` bytes of a blob (a Range request: the registry serves 206).
std::string blob_head(const RegistryServer& reg, const std::string& repo, const std::string& digest,
                      int bytes = 512) {
  HttpReply r = http_request("GET", reg.url() + "/v2/" + repo + "/blobs/" + digest,
                             {"Range: bytes=0-" + std::to_string(bytes - 1)});
  EXPECT_TRUE(r.status == 206 || r.status == 200) << digest << ": " << r.status << r.error;
  return r.body;
}

bool is_gzip(const std::string& b) { return b.size() > 2 && b.compare(0, 2, "\x1f\x8b") == 0; }
bool is_zstd(const std::string& b) {
  return b.size() > 4 && b.compare(0, 4, "\x28\xb5\x2f\xfd") == 0;
}
bool is_tar(const std::string& b) { return b.size() >= 262 && b.compare(257, 5, "ustar") == 0; }

json parse(const std::string& text) { return json::parse(text, nullptr, false); }

// ---- no auth: the whole fixture set ----------------------------------------------------------

class PlainRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    missing_ = RegistryServer::missing_tools(RegistryAuth::kNone);
    if (!missing_.empty()) return;
    reg_ = std::make_unique<RegistryServer>();
    set_ = push_fixture_set(*reg_);
  }
  static void TearDownTestSuite() { reg_.reset(); }

  void SetUp() override {
    if (!missing_.empty()) STRATA_SKIP_OR_FAIL() << "not installed: " << missing_;
    if (!set_.missing.empty()) STRATA_SKIP_OR_FAIL() << "fixture missing: " << set_.missing;
    ASSERT_TRUE(set_.error.empty()) << set_.error;
  }

  static json manifest_of(const PushedImage& img) {
    HttpReply r = get_manifest(*reg_, repo_of(img.reference), img.digest);
    EXPECT_EQ(r.status, 200) << img.reference << r.error << r.body;
    return parse(r.body);
  }

  static inline std::string missing_;
  static inline std::unique_ptr<RegistryServer> reg_;
  static inline FixtureSet set_;
};

TEST_F(PlainRegistryTest, EveryManifestComesBackByTagAndByDigest) {
  ASSERT_EQ(set_.images.size(), 9u);
  for (const PushedImage& img : set_.images) {
    SCOPED_TRACE(img.key);
    HttpReply by_tag = get_manifest(*reg_, repo_of(img.reference), tag_of(img.reference));
    ASSERT_EQ(by_tag.status, 200) << by_tag.error << by_tag.body;
    EXPECT_EQ(by_tag.header("docker-content-digest"), img.digest);
    HttpReply by_digest = get_manifest(*reg_, repo_of(img.reference), img.digest);
    ASSERT_EQ(by_digest.status, 200) << by_digest.error;
    EXPECT_EQ(by_digest.header("docker-content-digest"), img.digest);
    if (img.key == "schema1") continue;  // signed anew on every GET (next test)
    EXPECT_EQ(sha256_of(by_tag.body).str(), img.digest);
    EXPECT_EQ(by_digest.body, by_tag.body);
  }
}

TEST_F(PlainRegistryTest, OciLayoutsKeepTheirDigestsInTheRegistry) {
  // A registry scan and an OCI-dir scan of these read the very same manifests and blobs.
  for (const char* key : {"gzip", "zstd", "uncompressed", "multi-platform"}) {
    SCOPED_TRACE(key);
    const PushedImage& img = set_.at(key);
    std::string dir = img.source.substr(4, img.source.rfind(':') - 4);  // oci:DIR:latest
    json index = real::read_json_file(dir + "/index.json");
    ASSERT_TRUE(index.is_object()) << dir;
    EXPECT_EQ(index["manifests"][0]["digest"], img.digest);
  }
}

TEST_F(PlainRegistryTest, Schema1IsServedWhateverTheAcceptHeaderSays) {
  const PushedImage& img = set_.at("schema1");
  HttpReply r = get_manifest(*reg_, repo_of(img.reference), tag_of(img.reference));
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.header("content-type"), "application/vnd.docker.distribution.manifest.v1+prettyjws");
  json m = parse(r.body);
  EXPECT_EQ(m["schemaVersion"], 1);
  EXPECT_FALSE(m["signatures"].empty());
  for (const json& layer : m["fsLayers"]) {
    EXPECT_TRUE(is_gzip(blob_head(*reg_, "fixtures/leaky", layer["blobSum"]))) << layer;
  }
  // The digest is that of the payload without the signatures: not of the body served.
  EXPECT_NE(sha256_of(r.body).str(), img.digest);
}

TEST_F(PlainRegistryTest, OciLayersKeepTheirCompression) {
  struct Case {
    const char* key;
    const char* media_type_suffix;
    bool (*magic)(const std::string&);
  };
  for (const Case& c : {Case{"gzip", ".tar+gzip", is_gzip}, Case{"zstd", ".tar+zstd", is_zstd},
                        Case{"uncompressed", ".layer.v1.tar", is_tar}}) {
    SCOPED_TRACE(c.key);
    const PushedImage& img = set_.at(c.key);
    json m = manifest_of(img);
    ASSERT_TRUE(m.contains("layers") && !m["layers"].empty());
    for (const json& layer : m["layers"]) {
      std::string type = layer["mediaType"];
      EXPECT_TRUE(type.ends_with(c.media_type_suffix)) << type;
      EXPECT_TRUE(c.magic(blob_head(*reg_, repo_of(img.reference), layer["digest"])));
    }
  }
}

TEST_F(PlainRegistryTest, DockerSchema2ImagesComeBackAsSchema2) {
  json m = manifest_of(set_.at("v2s2"));
  EXPECT_EQ(m["mediaType"], "application/vnd.docker.distribution.manifest.v2+json");
  ASSERT_FALSE(m["layers"].empty());
  for (const json& layer : m["layers"]) {
    EXPECT_EQ(layer["mediaType"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
    EXPECT_TRUE(is_gzip(blob_head(*reg_, "fixtures/leaky", layer["digest"]))) << layer;
  }
  // skopeo --preserve-digests keeps the docker-archive's plain layers under the gzip label.
  json raw = manifest_of(set_.at("v2s2-raw-layers"));
  for (const json& layer : raw["layers"]) {
    EXPECT_EQ(layer["mediaType"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
    EXPECT_TRUE(is_tar(blob_head(*reg_, "fixtures/leaky", layer["digest"])));
  }
}

TEST_F(PlainRegistryTest, MultiPlatformIndexListsBothPlatforms) {
  json index = manifest_of(set_.at("multi-platform"));
  EXPECT_EQ(index["mediaType"], "application/vnd.oci.image.index.v1+json");
  ASSERT_EQ(index["manifests"].size(), 2u);
  std::set<std::string> archs;
  for (const json& entry : index["manifests"]) {
    archs.insert(entry["platform"]["architecture"].get<std::string>());
    HttpReply child = get_manifest(*reg_, "fixtures/multi-platform", entry["digest"]);
    ASSERT_EQ(child.status, 200) << child.body;
    if (entry["platform"]["architecture"] != "arm64") continue;
    std::string config_digest = parse(child.body)["config"]["digest"];
    HttpReply config =
        http_request("GET", reg_->url() + "/v2/fixtures/multi-platform/blobs/" + config_digest);
    EXPECT_NE(config.body.find(real::secret("ARM_ONLY_TOKEN")), std::string::npos);
  }
  EXPECT_EQ(archs, (std::set<std::string>{"amd64", "arm64"}));
}

TEST_F(PlainRegistryTest, AttestedIndexCarriesABuildxAttestationManifest) {
  json index = manifest_of(set_.at("attested"));
  ASSERT_EQ(index["manifests"].size(), 2u);
  const json& image = index["manifests"][0];
  const json& attestation = index["manifests"][1];
  EXPECT_EQ(image["digest"], set_.at("gzip").digest);
  EXPECT_EQ(attestation["platform"], json({{"architecture", "unknown"}, {"os", "unknown"}}));
  EXPECT_EQ(attestation["annotations"]["vnd.docker.reference.type"], "attestation-manifest");
  EXPECT_EQ(attestation["annotations"]["vnd.docker.reference.digest"], image["digest"]);

  HttpReply m = get_manifest(*reg_, "fixtures/attested", attestation["digest"]);
  ASSERT_EQ(m.status, 200) << m.body;
  const json layer = parse(m.body)["layers"][0];
  EXPECT_EQ(layer["mediaType"], "application/vnd.in-toto+json");
  HttpReply statement = http_request(
      "GET", reg_->url() + "/v2/fixtures/attested/blobs/" + layer["digest"].get<std::string>());
  json s = parse(statement.body);
  EXPECT_EQ(s["subject"][0]["digest"]["sha256"], image["digest"].get<std::string>().substr(7));
  EXPECT_NE(statement.body.find(real::secret("NPM_TOKEN")), std::string::npos);
}

TEST_F(PlainRegistryTest, ForeignLayerIsListedButNotStored) {
  const PushedImage& img = set_.at("foreign");
  json m = manifest_of(img);
  ASSERT_EQ(m["layers"].size(), manifest_of(set_.at("gzip"))["layers"].size() + 1);
  const json& foreign = m["layers"].back();
  EXPECT_EQ(foreign["mediaType"], "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");
  EXPECT_FALSE(foreign["urls"].empty());
  for (const json& layer : m["layers"]) {
    HttpReply head = http_request(
        "HEAD", reg_->url() + "/v2/fixtures/foreign/blobs/" + layer["digest"].get<std::string>());
    EXPECT_EQ(head.status, &layer == &foreign ? 404 : 200) << layer["digest"];
  }
}

TEST_F(PlainRegistryTest, CatalogListsTheFixtureRepositories) {
  HttpReply r = http_request("GET", reg_->url() + "/v2/_catalog");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(parse(r.body)["repositories"], json({"fixtures/attested", "fixtures/foreign",
                                                 "fixtures/leaky", "fixtures/multi-platform"}));
}

// ---- htpasswd --------------------------------------------------------------------------------

// A suite sharing one registry (per Suite: CRTP keeps the statics apart) that holds the gzip
// fixture image under one tag.
template <class Suite>
class OneImageRegistryTest : public ::testing::Test {
 protected:
  static void start(const RegistryServerOptions& options, const std::string& repo_tag) {
    missing_ = RegistryServer::missing_tools(options.auth);
    source_ = real_fixture("buildah-leaky.oci-gzip");
    if (!missing_.empty() || source_.empty()) return;
    reg_ = std::make_unique<RegistryServer>(options);
    pushed_ = reg_->push("oci:" + source_ + ":latest", repo_tag);
  }
  static void TearDownTestSuite() { reg_.reset(); }

  void SetUp() override {
    if (!missing_.empty()) STRATA_SKIP_OR_FAIL() << "not installed: " << missing_;
    if (source_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.oci-gzip missing";
    ASSERT_TRUE(pushed_.ok) << pushed_.output;
  }

  static inline std::string missing_, source_;
  static inline std::unique_ptr<RegistryServer> reg_;
  static inline PushResult pushed_;
};

class HtpasswdRegistryTest : public OneImageRegistryTest<HtpasswdRegistryTest> {
 protected:
  static void SetUpTestSuite() {
    password_ = random_secret("pw-");
    start(htpasswd_auth({{"alice", password_}}), "basic/leaky:1");
  }
  static inline std::string password_;
};

TEST_F(HtpasswdRegistryTest, RejectsRequestsWithoutCredentials) {
  HttpReply ping = http_request("GET", reg_->url() + "/v2/");
  EXPECT_EQ(ping.status, 401) << ping.error;
  EXPECT_EQ(ping.header("www-authenticate"), "Basic realm=\"strata-test-realm\"");
  EXPECT_EQ(get_manifest(*reg_, "basic/leaky", "1").status, 401);
}

TEST_F(HtpasswdRegistryTest, RejectsAWrongPassword) {
  HttpReply r = get_manifest(*reg_, "basic/leaky", "1", {basic_auth("alice", password_ + "x")});
  EXPECT_EQ(r.status, 401);
}

TEST_F(HtpasswdRegistryTest, ServesTheManifestWithCredentials) {
  HttpReply r = get_manifest(*reg_, "basic/leaky", "1", {basic_auth("alice", password_)});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("docker-content-digest"), pushed_.digest);
  EXPECT_EQ(sha256_of(r.body).str(), pushed_.digest);
}

TEST_F(HtpasswdRegistryTest, PushWithoutCredentialsFails) {
  PushOptions anonymous;
  anonymous.anonymous = true;
  PushResult p = reg_->push("oci:" + source_ + ":latest", "basic/leaky:anon", anonymous);
  EXPECT_FALSE(p.ok) << p.output;
}

// ---- token auth ------------------------------------------------------------------------------

struct TokenAnswer {
  int status = 0;
  json body;
  std::string token() const { return body.is_object() ? body.value("token", "") : ""; }
};

TokenAnswer get_token(const RegistryServer& reg, const std::string& scope,
                      std::vector<std::string> headers = {}) {
  HttpReply r =
      http_request("GET",
                   reg.token_server_url() + "/token?service=" + RegistryServer::kTokenService +
                       "&scope=" + scope,
                   headers);
  return {r.status, parse(r.body)};
}

TokenAnswer post_token(const RegistryServer& reg, const std::string& form) {
  HttpReply r = http_request("POST", reg.token_server_url() + "/token",
                             {"Content-Type: application/x-www-form-urlencoded"},
                             form + "&service=" + RegistryServer::kTokenService);
  return {r.status, parse(r.body)};
}

json jwt_claims(const std::string& token) {
  size_t a = token.find('.'), b = token.find('.', a + 1);
  return parse(base64_decode(token.substr(a + 1, b - a - 1)).value_or(""));
}

class TokenRegistryTest : public OneImageRegistryTest<TokenRegistryTest> {
 protected:
  static void SetUpTestSuite() {
    password_ = random_secret("pw-");
    refresh_ = random_secret("rt-");
    RegistryServerOptions o = token_auth({{"alice", password_}, {"bob", password_ + "b"}});
    o.token_acl = {"bob=other/*:pull"};
    o.refresh_tokens = {refresh_ + "=alice"};
    start(o, "fixtures/leaky:gzip");
  }

  static HttpReply manifest_with(const std::string& token) {
    return get_manifest(*reg_, "fixtures/leaky", "gzip", {bearer_auth(token)});
  }

  static inline std::string password_, refresh_;
};

TEST_F(TokenRegistryTest, ChallengeNamesTheTokenServerAndScope) {
  HttpReply r = get_manifest(*reg_, "fixtures/leaky", "gzip");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"" + reg_->token_server_url() +
                                              "/token\",service=\"strata-test-registry\","
                                              "scope=\"repository:fixtures/leaky:pull\"");
}

TEST_F(TokenRegistryTest, ATokenForTheScopeReadsTheManifest) {
  const std::string scope = "repository:fixtures/leaky:pull";
  json before = reg_->token_stats();
  TokenAnswer t = get_token(*reg_, scope, {basic_auth("alice", password_)});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.body["access_token"], t.token());
  EXPECT_EQ(t.body["expires_in"], 300);
  EXPECT_EQ(jwt_claims(t.token())["access"],
            json::parse(R"([{"type":"repository","name":"fixtures/leaky","actions":["pull"]}])"));
  HttpReply r = manifest_with(t.token());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("docker-content-digest"), pushed_.digest);
  json after = reg_->token_stats();
  EXPECT_EQ(after["tokens_by_scope"].value(scope, 0),
            before["tokens_by_scope"].value(scope, 0) + 1);
  EXPECT_EQ(after["tokens_issued"], before["tokens_issued"].get<int>() + 1);
}

TEST_F(TokenRegistryTest, WrongPasswordAndAnonymousAreRejected) {
  json before = reg_->token_stats();
  const std::string scope = "repository:fixtures/leaky:pull";
  EXPECT_EQ(get_token(*reg_, scope, {basic_auth("alice", password_ + "x")}).status, 401);
  EXPECT_EQ(get_token(*reg_, scope, {basic_auth("mallory", password_)}).status, 401);
  EXPECT_EQ(get_token(*reg_, scope).status, 401);  // no --anonymous-pull
  json after = reg_->token_stats();
  EXPECT_EQ(after["rejections"], before["rejections"].get<int>() + 3);
  EXPECT_EQ(after["tokens_issued"], before["tokens_issued"]);
}

TEST_F(TokenRegistryTest, ScopesOutsideTheAclAreGrantedNoActions) {
  TokenAnswer t =
      get_token(*reg_, "repository:fixtures/leaky:pull", {basic_auth("bob", password_ + "b")});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_TRUE(jwt_claims(t.token())["access"][0]["actions"].empty());
  HttpReply r = manifest_with(t.token());
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.header("www-authenticate").find("error=\"insufficient_scope\""), std::string::npos)
      << r.header("www-authenticate");
}

TEST_F(TokenRegistryTest, APullTokenCannotPush) {
  const std::string uploads = reg_->url() + "/v2/fixtures/leaky/blobs/uploads/";
  TokenAnswer pull =
      get_token(*reg_, "repository:fixtures/leaky:pull", {basic_auth("alice", password_)});
  EXPECT_EQ(http_request("POST", uploads, {bearer_auth(pull.token())}).status, 401);
  TokenAnswer push =
      get_token(*reg_, "repository:fixtures/leaky:pull,push", {basic_auth("alice", password_)});
  EXPECT_EQ(http_request("POST", uploads, {bearer_auth(push.token())}).status, 202);
}

TEST_F(TokenRegistryTest, PasswordAndRefreshTokenGrants) {
  const std::string scope = "&scope=repository:fixtures/leaky:pull&client_id=strata";
  TokenAnswer login = post_token(*reg_, "grant_type=password&username=alice&password=" + password_ +
                                            "&access_type=offline" + scope);
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(manifest_with(login.token()).status, 200);
  std::string issued = login.body.value("refresh_token", "");
  ASSERT_FALSE(issued.empty());
  for (const std::string& refresh : {issued, refresh_}) {
    TokenAnswer t = post_token(*reg_, "grant_type=refresh_token&refresh_token=" + refresh + scope);
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_EQ(manifest_with(t.token()).status, 200);
  }
  EXPECT_EQ(post_token(*reg_, "grant_type=refresh_token&refresh_token=nope" + scope).status, 401);
  EXPECT_EQ(post_token(*reg_, "grant_type=password&username=alice&password=x" + scope).status, 401);
}

TEST_F(TokenRegistryTest, ALoginWithOfflineTokenReturnsARefreshToken) {
  TokenAnswer login = get_token(*reg_, "repository:fixtures/leaky:pull&offline_token=true",
                                {basic_auth("alice", password_)});
  ASSERT_EQ(login.status, 200) << login.body;
  std::string refresh = login.body.value("refresh_token", "");
  ASSERT_FALSE(refresh.empty());
  TokenAnswer t = post_token(*reg_, "grant_type=refresh_token&refresh_token=" + refresh +
                                        "&scope=repository:fixtures/leaky:pull&client_id=strata");
  EXPECT_EQ(manifest_with(t.token()).status, 200);
}

TEST(TokenRegistryFixtureSetTest, TheWholeSetPushesThroughTokenAuth) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  const std::string password = random_secret("pw-");
  RegistryServer reg(token_auth({{"alice", password}}));
  FixtureSet set = push_fixture_set(reg);
  if (!set.missing.empty()) STRATA_SKIP_OR_FAIL() << "fixture missing: " << set.missing;
  ASSERT_TRUE(set.error.empty()) << set.error;
  for (const PushedImage& img : set.images) {
    SCOPED_TRACE(img.key);
    const std::string repo = repo_of(img.reference);
    TokenAnswer t = get_token(reg, "repository:" + repo + ":pull", {basic_auth("alice", password)});
    HttpReply r = get_manifest(reg, repo, tag_of(img.reference), {bearer_auth(t.token())});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("docker-content-digest"), img.digest);
  }
}

TEST(TokenRegistryTtlTest, TokensStopWorkingAfterTheTtl) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  STRATA_REQUIRE_FIXTURE(source, "buildah-leaky.oci-gzip", "buildah");
  const std::string password = random_secret("pw-");
  const int ttl = 3;
  RegistryServerOptions o = token_auth({{"alice", password}});
  o.token_ttl_seconds = ttl;
  RegistryServer reg(o);
  ASSERT_TRUE(reg.push("oci:" + source + ":latest", "ttl/leaky:1").ok);
  // The token is issued between `asked` and `answered`: it must work until asked + ttl and stop
  // by answered + ttl + 1 (exp is whole seconds).
  using Clock = std::chrono::steady_clock;
  Clock::time_point asked = Clock::now();
  TokenAnswer t = get_token(reg, "repository:ttl/leaky:pull", {basic_auth("alice", password)});
  Clock::time_point answered = Clock::now();
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.body["expires_in"], ttl);
  auto status_at = [&](Clock::time_point when) {
    std::this_thread::sleep_until(when);
    return get_manifest(reg, "ttl/leaky", "1", {bearer_auth(t.token())}).status;
  };
  // The registry allows 60 s of clock skew past exp; the token server accounts for it.
  EXPECT_EQ(status_at(answered), 200);
  EXPECT_EQ(status_at(asked + std::chrono::milliseconds(ttl * 1000 - 1000)), 200);
  EXPECT_EQ(status_at(answered + std::chrono::milliseconds(ttl * 1000 + 1200)), 401);
}

TEST(TokenRegistryAnswerShapeTest, TheTokenFieldAndExpiresInCanBeLeftOut) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  const std::string password = random_secret("pw-");
  RegistryServerOptions o = token_auth({{"alice", password}});
  o.token_server_args = {"--token-field", "access_token", "--no-expires-in"};
  RegistryServer reg(o);
  TokenAnswer t = get_token(reg, "repository:x/y:pull", {basic_auth("alice", password)});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_FALSE(t.body.contains("token"));
  EXPECT_FALSE(t.body.contains("expires_in"));
  EXPECT_EQ(jwt_claims(t.body.value("access_token", ""))["sub"], "alice");
}

TEST(TokenRegistryAnonymousTest, AnonymousClientsMayPullOnly) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  STRATA_REQUIRE_FIXTURE(source, "buildah-leaky.oci-gzip", "buildah");
  RegistryServerOptions o = token_auth({{"alice", random_secret("pw-")}});
  o.anonymous_pull = true;
  RegistryServer reg(o);
  ASSERT_TRUE(reg.push("oci:" + source + ":latest", "public/leaky:1").ok);
  TokenAnswer t = get_token(reg, "repository:public/leaky:pull,push");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(jwt_claims(t.token())["access"][0]["actions"], json({"pull"}));
  EXPECT_EQ(get_manifest(reg, "public/leaky", "1", {bearer_auth(t.token())}).status, 200);
  EXPECT_EQ(
      http_request("POST", reg.url() + "/v2/public/leaky/blobs/uploads/", {bearer_auth(t.token())})
          .status,
      401);
  EXPECT_EQ(reg.token_stats()["anonymous_tokens"], 1);
}

TEST(TlsRegistryTest, ServesHttpsWithACertificateOnlyItsCaVouchesFor) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kNone, true);
  if (!missing_executable("curl").empty()) STRATA_SKIP_OR_FAIL() << "curl not installed";
  STRATA_REQUIRE_FIXTURE(source, "buildah-leaky.oci-gzip", "buildah");
  RegistryServerOptions o;
  o.tls = true;
  RegistryServer reg(o);
  ASSERT_EQ(reg.url(), "https://" + reg.host());
  PushResult p = reg.push("oci:" + source + ":latest", "tls/leaky:1");
  ASSERT_TRUE(p.ok) << p.output;

  TempDir out;
  const std::string body = out.path() + "/manifest";
  CommandResult trusted =
      run_command({"curl", "-sS", "--cacert", reg.ca_file(), "-H", kAccept, "-o", body, "-w",
                   "%{http_code}", reg.url() + "/v2/tls/leaky/manifests/1"},
                  30);
  EXPECT_EQ(trusted.exit_code, 0) << trusted.output;
  EXPECT_EQ(trusted.output, "200");
  EXPECT_EQ(sha256_of(read_file(body)).str(), p.digest);
  // Without the CA: curl's "peer certificate cannot be authenticated" (exit 60).
  CommandResult untrusted = run_command({"curl", "-sS", "-o", "/dev/null", reg.url() + "/v2/"}, 30);
  EXPECT_EQ(untrusted.exit_code, 60) << untrusted.output;
  EXPECT_EQ(http_request("GET", "http://" + reg.host() + "/v2/").status, 400);  // plain HTTP
}

// Every process's command line, NUL-separated arguments joined.
std::vector<std::string> all_command_lines() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    out.push_back(read_file(entry.path().string() + "/cmdline"));
  }
  return out;
}

TEST(RegistryServerTest, PasswordsStayOffCommandLines) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  const std::string password = random_secret("pw-");
  RegistryServer reg(token_auth({{"alice", password}}));
  ASSERT_EQ(http_request("GET", reg.token_server_url() + "/__stats").status, 200);
  std::vector<std::string> lines = all_command_lines();
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) EXPECT_EQ(line.find(password), std::string::npos) << line;
}

TEST(RegistryServerTest, StopsItsProcessesAndFreesThePort) {
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);
  RegistryServer reg(token_auth({{"alice", random_secret("pw-")}}));
  const std::string registry = reg.url(), tokens = reg.token_server_url();
  ASSERT_NE(http_request("GET", registry + "/v2/").status, 0);
  ASSERT_EQ(http_request("GET", tokens + "/__stats").status, 200);
  reg.stop();
  EXPECT_EQ(http_request("GET", registry + "/v2/", {}, "", 1000).status, 0);
  EXPECT_EQ(http_request("GET", tokens + "/__stats", {}, "", 1000).status, 0);
}

}  // namespace
}  // namespace strata::test
