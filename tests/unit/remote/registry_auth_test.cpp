// RegistryAuth through the real HTTP client against tests/support/auth_test_server.py: a
// python registry that checks Authorization only, with its token server (Basic, Bearer with
// GET and refresh-token POST, token lifetimes, per-scope counters).
#include "strata/remote/registry_auth.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth_test_helpers.hpp"
#include "support/python_server.hpp"
#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"

namespace strata {
namespace {

using test::kPython;
using test::Subprocess;
const std::string kScope = "repository:team/app:pull";

using test::quick_options;
using test::random_secret;

class RegistryAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::have_python()) STRATA_SKIP_OR_FAIL() << kPython << " is missing";
  }

  // Starts the server with these options; AUTH_USERS holds user_ and password_.
  void start(std::vector<std::string> args) {
    test::PythonServer started = test::start_python_server(
        "auth_test_server.py", args,
        {"AUTH_USERS=" + user_ + ":" + password_, "AUTH_REFRESH_TOKEN=" + refresh_token_});
    server_ = std::move(started.process);
    port_ = std::stoi(started.first_line);
    registry_ = "127.0.0.1:" + std::to_string(port_);
  }
  std::string url(const std::string& path) const { return "http://" + registry_ + path; }

  Credentials password_credentials(const std::string& password) const {
    return Credentials{
        .username = user_, .password = password, .identity_token = "", .origin = "the test"};
  }
  Credentials token_credentials(const std::string& token) const {
    return Credentials{
        .username = "", .password = "", .identity_token = token, .origin = "the test"};
  }

  // A RegistryAuth for the server, asking for kScope.
  std::unique_ptr<RegistryAuth> make_auth(std::optional<Credentials> credentials = std::nullopt) {
    auto auth = std::make_unique<RegistryAuth>(http_, registry_, std::move(credentials));
    auth->set_scope(kScope);
    return auth;
  }

  // GET url(path) with `auth`: the status, or -1 with the error in *error.
  int get(RegistryAuth& auth, const std::string& path, std::string* error = nullptr) {
    net::HttpRequest request;
    request.url = url(path);
    request.auth = &auth;
    auto answer = http_.fetch(request, 1 << 16);
    if (!answer) {
      if (error != nullptr) *error = answer.error().message;
      return -1;
    }
    return answer->first.status;
  }
  std::string error_of(RegistryAuth& auth, const std::string& path) {
    std::string error;
    EXPECT_EQ(get(auth, path, &error), -1);
    EXPECT_EQ(error.find(password_), std::string::npos) << error;
    EXPECT_EQ(error.find(refresh_token_), std::string::npos) << error;
    return error;
  }

  nlohmann::json stats() {
    net::HttpRequest request;
    request.url = url("/__stats");
    auto answer = http_.fetch(request, 1 << 20);
    if (!answer || answer->first.status != 200) throw std::runtime_error("no stats");
    return nlohmann::json::parse(answer->second);
  }
  int issued(const std::string& scope) { return stats()["issued"].value(scope, 0); }

  std::string user_ = "tester";
  std::string password_ = random_secret("pw-");
  std::string refresh_token_ = random_secret("rt-");
  net::HttpClient http_{quick_options()};
  std::unique_ptr<Subprocess> server_;
  int port_ = 0;
  std::string registry_;
};

TEST_F(RegistryAuthTest, BasicChallengeAnsweredWithCredentials) {
  start({"--mode", "basic"});
  auto auth = make_auth(password_credentials(password_));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/y"), 200);
  EXPECT_EQ(stats()["registry_401"], 1);  // only the first, anonymous request
}

TEST_F(RegistryAuthTest, BasicChallengeWithoutCredentialsIsAClearError) {
  start({"--mode", "basic"});
  auto auth = make_auth();
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(
      error.find("registry " + registry_ + " answered 401: it asks for a username and password"),
      std::string::npos)
      << error;
}

TEST_F(RegistryAuthTest, WrongBasicCredentialsAreRefused) {
  start({"--mode", "basic"});
  std::string wrong = random_secret("pw-");
  auto auth = make_auth(password_credentials(wrong));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 401);  // the client's one retry is spent
  std::string error;
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x", &error), -1);
  EXPECT_NE(error.find("refused the credentials from the test"), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
}

TEST_F(RegistryAuthTest, AnonymousBearerTokenIsFetchedOnceAndCached) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/manifests/1"), 200);
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/sha256:1"), 200);
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/sha256:2"), 200);
  auto s = stats();
  EXPECT_EQ(s["issued"][kScope], 1);
  EXPECT_EQ(s["accounts"].size(), 0u);  // anonymous: no account parameter
}

TEST_F(RegistryAuthTest, BearerWithCredentialsSendsThemToTheTokenServer) {
  start({"--mode", "bearer"});
  auto auth = make_auth(password_credentials(password_));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  auto s = stats();
  EXPECT_EQ(s["issued"][kScope], 1);
  EXPECT_EQ(s["accounts"], nlohmann::json::array({user_}));
}

TEST_F(RegistryAuthTest, AnonymousRefusedByTheTokenServerIsAClearError) {
  start({"--mode", "bearer"});
  auto auth = make_auth();
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  std::string expected = "registry " + registry_ + ": token server " + url("/token") +
                         " answered 401 for " + kScope + " (anonymous)";
  EXPECT_NE(error.find(expected), std::string::npos) << error;
}

TEST_F(RegistryAuthTest, WrongBearerCredentialsAreAClearError) {
  start({"--mode", "bearer"});
  std::string wrong = random_secret("pw-");
  auto auth = make_auth(password_credentials(wrong));
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(error.find("answered 401 for " + kScope + " (credentials from the test)"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
}

TEST_F(RegistryAuthTest, IdentityTokenIsExchangedWithARefreshTokenPost) {
  start({"--mode", "bearer"});
  auto auth = make_auth(token_credentials(refresh_token_));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  auto s = stats();
  EXPECT_EQ(s["posts"], 1);
  EXPECT_EQ(s["gets"], 0);
  EXPECT_EQ(s["client_ids"], nlohmann::json::array({"strata"}));
}

TEST_F(RegistryAuthTest, WrongIdentityTokenIsAClearError) {
  start({"--mode", "bearer"});
  std::string wrong = random_secret("rt-");
  auto auth = make_auth(token_credentials(wrong));
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(error.find("answered 401"), std::string::npos) << error;
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
}

TEST_F(RegistryAuthTest, TokensAreCachedPerScope) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  auth->set_scope("repository:team/other:pull");
  EXPECT_EQ(get(*auth, "/v2/team/other/blobs/x"), 200);
  auth->set_scope(kScope);
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/y"), 200);
  auto s = stats();
  EXPECT_EQ(s["issued"][kScope], 1);
  EXPECT_EQ(s["issued"]["repository:team/other:pull"], 1);
}

TEST_F(RegistryAuthTest, TheChallengesScopeWins) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth();
  auth->set_scope("repository:wrong/name:pull");
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  EXPECT_EQ(issued(kScope), 1);
}

TEST_F(RegistryAuthTest, ExpiredTokenIsRenewedBeforeUse) {
  start({"--mode", "bearer", "--anonymous-pull", "--ttl", "1"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/y"), 200);
  auto s = stats();
  EXPECT_EQ(s["issued"][kScope], 2);
  EXPECT_EQ(s["registry_401"], 1);  // renewed before it was sent, not after a refusal
}

TEST_F(RegistryAuthTest, TokenThatStopsWorkingEarlyIsRenewedOnTheRegistrys401) {
  // The server says tokens last 300 s but refuses them after 1 s: the 401 path must renew.
  start({"--mode", "bearer", "--anonymous-pull", "--ttl", "1", "--advertised-ttl", "300"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/y"), 200);
  auto s = stats();
  EXPECT_EQ(s["issued"][kScope], 2);
  EXPECT_EQ(s["registry_401"], 2);
}

TEST_F(RegistryAuthTest, TokenAnswerWithoutExpiresInLastsSixtySeconds) {
  start({"--mode", "bearer", "--anonymous-pull", "--advertised-ttl", "0"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/y"), 200);
  EXPECT_EQ(issued(kScope), 1);
}

TEST_F(RegistryAuthTest, AccessTokenOrTokenField) {
  for (const char* field : {"token", "access_token"}) {
    start({"--mode", "bearer", "--anonymous-pull", "--token-field", field});
    auto auth = make_auth();
    EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 200) << field;
  }
}

TEST_F(RegistryAuthTest, TokenAnswerWithoutATokenIsAnError) {
  start({"--mode", "bearer", "--anonymous-pull", "--token-field", "none"});
  auto auth = make_auth();
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(error.find("gave an answer without a token"), std::string::npos) << error;
}

TEST_F(RegistryAuthTest, ConcurrentRequestsShareOneTokenFetch) {
  start({"--mode", "bearer", "--anonymous-pull", "--token-delay", "300"});
  auto auth = make_auth();
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = get(*auth, "/v2/team/app/blobs/" + std::to_string(i)); });
  }
  for (auto& t : threads) t.join();
  for (int status : statuses) EXPECT_EQ(status, 200);
  EXPECT_EQ(issued(kScope), 1);
}

TEST_F(RegistryAuthTest, TokenRefusedRightAfterIssueIsAClearError) {
  start({"--mode", "bearer", "--anonymous-pull", "--deny", "team/app"});
  auto auth = make_auth();
  EXPECT_EQ(get(*auth, "/v2/team/app/blobs/x"), 401);  // the client's one retry is spent
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(error.find("answered 401 to a token just issued for " + kScope), std::string::npos)
      << error;
  EXPECT_NE(error.find("(anonymous)"), std::string::npos) << error;
  EXPECT_EQ(issued(kScope), 1);  // not fetched again and again
}

TEST_F(RegistryAuthTest, UnsupportedSchemeIsAClearError) {
  start({"--mode", "negotiate"});
  auto auth = make_auth(password_credentials(password_));
  auto error = error_of(*auth, "/v2/team/app/blobs/x");
  EXPECT_NE(error.find("unsupported authentication scheme \"negotiate\""), std::string::npos)
      << error;
}

TEST_F(RegistryAuthTest, NoHeaderBeforeAnyChallenge) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth(password_credentials(password_));
  auto header = auth->header_for(url("/v2/"));
  ASSERT_TRUE(header);
  EXPECT_EQ(*header, "");
}

TEST_F(RegistryAuthTest, BaseEndpointTokenWithoutScope) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth();
  auth->set_scope("");
  EXPECT_EQ(get(*auth, "/v2/"), 200);
  EXPECT_EQ(issued(""), 1);
}

TEST_F(RegistryAuthTest, SeveralScopesGoAsSeveralParameters) {
  start({"--mode", "bearer", "--anonymous-pull"});
  auto auth = make_auth();
  auth->set_scope(kScope + " repository:team/other:pull");
  EXPECT_EQ(get(*auth, "/v2/"), 200);
  EXPECT_EQ(stats()["scope_lists"],
            nlohmann::json::array({{kScope, "repository:team/other:pull"}}));
}

}  // namespace
}  // namespace strata
