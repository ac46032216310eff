// RegistryAuth against Debian's docker-registry (distribution 2.8), behind htpasswd Basic auth
// and behind token auth served by tests/support/token_server.py: real challenges, real JWTs.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "auth_test_helpers.hpp"
#include "strata/remote/registry_auth.hpp"
#include "support/image_writer.hpp"
#include "support/registry_server.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::RegistryServer;
using test::RegistryServerOptions;
using test::RegistryUser;
using AuthKind = test::RegistryAuth;  // the fixture's enum; strata::RegistryAuth is under test

const std::string kScope = "repository:team/app:pull";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";

using test::quick_options;
using test::random_secret;

class RegistryAuthDistributionTest : public ::testing::Test {
 protected:
  // A registry with `kind` auth holding team/app:1 (and more repositories when asked), pushed
  // by alice; the token counters start from zero after the pushes.
  bool start(AuthKind kind, RegistryServerOptions options = {},
             const std::vector<std::string>& repositories = {"team/app"}) {
    if (std::string missing = RegistryServer::missing_tools(kind); !missing.empty()) {
      missing_ = missing;
      return false;
    }
    options.auth = kind;
    options.users.insert(options.users.begin(), alice_);
    server_ = std::make_unique<RegistryServer>(options);
    test::TestImage image;
    image.ref_name = "latest";
    image.layers.push_back({test::TarWriter().add_file("etc/app.conf", "x=1\n").finish(),
                            test::TestCompression::kGzip, ""});
    test::write_oci_layout(dir_.path() + "/layout", {image});
    for (const auto& repo : repositories) {
      auto pushed = server_->push("oci:" + dir_.path() + "/layout:latest", repo + ":1");
      EXPECT_TRUE(pushed.ok) << pushed.output;
      if (!pushed.ok) return false;
    }
    if (kind == AuthKind::kToken) server_->reset_token_stats();
    return true;
  }

  std::unique_ptr<RegistryAuth> make_auth(std::optional<Credentials> credentials) {
    auto auth = std::make_unique<RegistryAuth>(http_, server_->host(), std::move(credentials));
    auth->set_scope(kScope);
    return auth;
  }
  Credentials password_of(const RegistryUser& user) const {
    return Credentials{.username = user.name,
                       .password = user.password,
                       .identity_token = "",
                       .origin = "the test"};
  }

  // GET the manifest of REPO:1: the status, or -1 with the error in *error.
  int get_manifest(RegistryAuth& auth, const std::string& repo = "team/app",
                   std::string* error = nullptr, std::string* body = nullptr) {
    net::HttpRequest request;
    request.url = server_->url() + "/v2/" + repo + "/manifests/1";
    request.headers = {{"Accept", kOciManifest}};
    request.auth = &auth;
    auto answer = http_.fetch(request, 1 << 20);
    if (!answer) {
      if (error != nullptr) *error = answer.error().message;
      return -1;
    }
    if (body != nullptr) *body = answer->second;
    return answer->first.status;
  }
  int get_config_blob(RegistryAuth& auth) {
    std::string manifest;
    if (get_manifest(auth, "team/app", nullptr, &manifest) != 200) return -1;
    net::HttpRequest request;
    request.url = server_->url() + "/v2/team/app/blobs/" +
                  nlohmann::json::parse(manifest)["config"]["digest"].get<std::string>();
    request.auth = &auth;
    auto answer = http_.fetch(request, 1 << 20);
    return answer ? answer->first.status : -1;
  }
  std::string error_of(RegistryAuth& auth) {
    std::string error;
    EXPECT_EQ(get_manifest(auth, "team/app", &error), -1);
    for (const auto& secret : {alice_.password, bob_.password, refresh_token_}) {
      EXPECT_EQ(error.find(secret), std::string::npos) << error;
    }
    return error;
  }
  int tokens_for(const std::string& scope) {
    return server_->token_stats()["tokens_by_scope"].value(scope, 0);
  }

  RegistryUser alice_{"alice", random_secret("pw-")};
  RegistryUser bob_{"bob", random_secret("pw-")};
  std::string refresh_token_ = random_secret("rt-");
  test::TempDir dir_;
  net::HttpClient http_{quick_options()};
  std::unique_ptr<RegistryServer> server_;
  std::string missing_;
};

// Starts the registry, or ends the test: skipped (failed in CI) when a tool is missing,
// failed when a push failed.
#define START_OR_SKIP(...)                                                      \
  if (!start(__VA_ARGS__)) {                                                    \
    if (!missing_.empty())                                                      \
      STRATA_SKIP_OR_FAIL() << "registry fixture: not installed: " << missing_; \
    return;                                                                     \
  }

TEST_F(RegistryAuthDistributionTest, BasicAuthWithCredentials) {
  START_OR_SKIP(AuthKind::kHtpasswd);
  auto auth = make_auth(password_of(alice_));
  EXPECT_EQ(get_config_blob(*auth), 200);
}

TEST_F(RegistryAuthDistributionTest, BasicAuthWithoutCredentialsIsAClearError) {
  START_OR_SKIP(AuthKind::kHtpasswd);
  auto auth = make_auth(std::nullopt);
  auto error = error_of(*auth);
  EXPECT_NE(error.find("answered 401: it asks for a username and password (Basic realm"),
            std::string::npos)
      << error;
}

TEST_F(RegistryAuthDistributionTest, WrongBasicCredentialsAreRefused) {
  START_OR_SKIP(AuthKind::kHtpasswd);
  auto auth = make_auth(password_of({"alice", random_secret("pw-")}));
  EXPECT_EQ(get_manifest(*auth), 401);  // the client's one refresh is spent on this request
  EXPECT_NE(error_of(*auth).find("refused the credentials from the test"), std::string::npos);
}

TEST_F(RegistryAuthDistributionTest, AnonymousPullWhenAllowed) {
  RegistryServerOptions options;
  options.anonymous_pull = true;
  START_OR_SKIP(AuthKind::kToken, options);
  auto auth = make_auth(std::nullopt);
  EXPECT_EQ(get_config_blob(*auth), 200);
  auto stats = server_->token_stats();
  EXPECT_EQ(stats["anonymous_tokens"], 1);
  EXPECT_EQ(stats["tokens_by_scope"][kScope], 1);  // manifest and blob share the token
}

TEST_F(RegistryAuthDistributionTest, AnonymousRefusedIsAClearError) {
  START_OR_SKIP(AuthKind::kToken);
  auto auth = make_auth(std::nullopt);
  auto error = error_of(*auth);
  std::string expected = "registry " + server_->host() + ": token server " +
                         server_->token_server_url() + "/token answered 401 for " + kScope +
                         " (anonymous)";
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

TEST_F(RegistryAuthDistributionTest, BearerWithCredentials) {
  START_OR_SKIP(AuthKind::kToken);
  auto auth = make_auth(password_of(alice_));
  EXPECT_EQ(get_config_blob(*auth), 200);
  auto stats = server_->token_stats();
  EXPECT_EQ(stats["tokens_by_scope"][kScope], 1);
  EXPECT_EQ(stats["anonymous_tokens"], 0);
}

TEST_F(RegistryAuthDistributionTest, WrongBearerCredentialsAreAClearError) {
  START_OR_SKIP(AuthKind::kToken);
  auto auth = make_auth(password_of({"alice", random_secret("pw-")}));
  auto error = error_of(*auth);
  EXPECT_NE(error.find("answered 401 for " + kScope + " (credentials from the test)"),
            std::string::npos)
      << error;
}

TEST_F(RegistryAuthDistributionTest, IdentityTokenIsExchanged) {
  RegistryServerOptions options;
  options.refresh_tokens = {refresh_token_ + "=alice"};
  START_OR_SKIP(AuthKind::kToken, options);
  auto auth = make_auth(Credentials{
      .username = "", .password = "", .identity_token = refresh_token_, .origin = "the test"});
  EXPECT_EQ(get_manifest(*auth), 200);
  EXPECT_EQ(server_->token_stats()["refresh_grants"], 1);
}

TEST_F(RegistryAuthDistributionTest, NoAccessToTheRepositoryIsAClearError) {
  // bob may pull only other/*: the token server grants team/app with no actions.
  RegistryServerOptions options;
  options.users = {bob_};
  options.token_acl = {"bob=other/*:pull"};
  START_OR_SKIP(AuthKind::kToken, options);
  auto auth = make_auth(password_of(bob_));
  EXPECT_EQ(get_manifest(*auth), 401);
  auto error = error_of(*auth);
  EXPECT_NE(error.find("answered 401 to a token just issued for " + kScope), std::string::npos)
      << error;
  EXPECT_EQ(tokens_for(kScope), 1);
}

TEST_F(RegistryAuthDistributionTest, TokensAreCachedPerScope) {
  START_OR_SKIP(AuthKind::kToken, {}, {"team/app", "team/other"});
  auto auth = make_auth(password_of(alice_));
  EXPECT_EQ(get_manifest(*auth), 200);
  auth->set_scope("repository:team/other:pull");
  EXPECT_EQ(get_manifest(*auth, "team/other"), 200);
  auth->set_scope(kScope);
  EXPECT_EQ(get_config_blob(*auth), 200);
  EXPECT_EQ(tokens_for(kScope), 1);
  EXPECT_EQ(tokens_for("repository:team/other:pull"), 1);
}

TEST_F(RegistryAuthDistributionTest, ParallelRequestsShareOneToken) {
  START_OR_SKIP(AuthKind::kToken);
  auto auth = make_auth(password_of(alice_));
  std::vector<int> statuses(6, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] { statuses[i] = get_manifest(*auth); });
  }
  for (auto& thread : threads) thread.join();
  for (int status : statuses) EXPECT_EQ(status, 200);
  EXPECT_EQ(tokens_for(kScope), 1);
}

TEST_F(RegistryAuthDistributionTest, TokenThatExpiresDuringUseIsRenewed) {
  RegistryServerOptions options;
  options.token_ttl_seconds = 2;
  START_OR_SKIP(AuthKind::kToken, options);
  auto auth = make_auth(password_of(alice_));
  EXPECT_EQ(get_manifest(*auth), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  EXPECT_EQ(get_config_blob(*auth), 200);
  EXPECT_EQ(get_manifest(*auth), 200);
  EXPECT_EQ(tokens_for(kScope), 2);
}

}  // namespace
}  // namespace strata
