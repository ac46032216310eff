// HttpClient through the fault proxy: 429 with Retry-After, 503, retries running out, statuses
// not retried, a redirect to another origin that must not receive the Authorization header,
// and an Authorizer refreshed once on a 401.
#include <gtest/gtest.h>

#include <thread>

#include "net_test_servers.hpp"
#include "strata/core/digest.hpp"
#include "support/skip_or_fail.hpp"

namespace strata::net::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

class FaultTest : public UpstreamTest {};

TEST_F(FaultTest, TooManyRequestsWaitsForRetryAfter) {
  TestServer proxy = start_proxy(upstream_->server, {"--status", "429", "--retry-after", "1"});
  HttpOptions options = fast_options();
  options.backoff_base = options.backoff_max = milliseconds(1);  // only Retry-After can wait 1 s
  HttpClient client(options);
  auto started = steady_clock::now();
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  EXPECT_GE(steady_clock::now() - started, milliseconds(950));
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 2);
}

TEST_F(FaultTest, RetryAfterIsCappedAtTheTimeout) {
  TestServer proxy = start_proxy(upstream_->server, {"--status", "503", "--retry-after", "3600"});
  HttpOptions options = fast_options();
  options.timeout = seconds(1);
  HttpClient client(options);
  auto started = steady_clock::now();
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  EXPECT_LT(steady_clock::now() - started, seconds(3));
}

TEST_F(FaultTest, ServiceUnavailableIsRetried) {
  TestServer proxy = start_proxy(upstream_->server, {"--status", "503", "--times", "2"});
  HttpClient client(fast_options(2));
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 3);
}

TEST_F(FaultTest, TheLastStatusStandsWhenRetriesRunOut) {
  TestServer proxy = start_proxy(upstream_->server, {"--status", "503", "--times", "99"});
  HttpClient client(fast_options(2));
  std::string url = proxy.url("/blob.bin");
  auto stream = client.open({.url = url});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message,
            "GET " + url + ": HTTP 503 (UNAVAILABLE: injected by fault_proxy) after 3 attempts");
  auto fetched = client.fetch({.url = url}, 1 << 16);  // fetch hands the status back
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(fetched->first.status, 503);
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 6);
}

TEST_F(FaultTest, NotFoundIsNotRetried) {
  TestServer proxy = start_proxy(upstream_->server, {});
  HttpClient client(fast_options(3));
  auto stream = client.open({.url = proxy.url("/missing")});
  ASSERT_FALSE(stream);
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 1);
}

TEST_F(FaultTest, ARedirectToAnotherOriginGoesWithoutAuthorization) {
  TestServer proxy =
      start_proxy(upstream_->server, {"--redirect-to-second-port", "--path-regex", "blob"});
  HttpClient client(fast_options());
  std::string token = fake_bearer();
  CountingAuthorizer auth(token, token);
  expect_blob(client, {.url = proxy.url("/blob.bin"), .auth = &auth});
  auto stats = proxy_stats(proxy);
  EXPECT_EQ(stats["requests"]["first"], 1);
  EXPECT_EQ(stats["requests"]["second"], 1);
  EXPECT_EQ(stats["authorization"]["first"], 1);
  EXPECT_EQ(stats["authorization"]["second"], 0);
  EXPECT_EQ(auth.header_calls, 1);
}

TEST_F(FaultTest, FetchAsksAgainWhenTheBodyBreaks) {
  TestServer proxy = start_proxy(upstream_->server, {"--drop-after", "5000", "--times", "2"});
  HttpClient client(fast_options(2));
  auto fetched = client.fetch({.url = proxy.url("/blob.bin")}, 8 << 20);
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(fetched->first.status, 200);
  EXPECT_TRUE(fetched->second == upstream_->blob);
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 3);
}

// Layers download in parallel through one client: every stream resumes on its own and every
// one ends with exactly the served bytes.
TEST_F(FaultTest, ParallelStreamsEachResumeOnTheirOwn) {
  constexpr int kStreams = 4;
  TestServer proxy = start_proxy(upstream_->server,
                                 {"--drop-after", "800000", "--times", std::to_string(kStreams)});
  HttpClient client(fast_options(kStreams));  // enough even if one stream takes every drop
  std::vector<std::string> digests(kStreams), errors(kStreams);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] {
      auto stream = client.open({.url = proxy.url("/blob.bin")});
      if (!stream) return void(errors[i] = stream.error().message);
      auto body = drain(**stream, 16384 + i);
      if (!body) return void(errors[i] = body.error().message);
      digests[i] = sha256_of(*body).str();
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kStreams; ++i) {
    EXPECT_EQ(errors[i], "");
    EXPECT_EQ(digests[i], sha256_of(upstream_->blob).str());
  }
  EXPECT_EQ(proxy_stats(proxy)["range_requests"], kStreams);
}

TEST_F(FaultTest, AnErrorAfterARedirectSaysWhereItHappened) {
  TestServer proxy =
      start_proxy(upstream_->server, {"--redirect-to-second-port", "--path-regex", "blobs"});
  HttpClient client(fast_options());
  auto stream = client.open({.url = proxy.url("/v2/a/blobs/sha256:00?X-Sig=1")});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message, "GET " + proxy.url("/v2/a/blobs/sha256:00") +
                                        ": HTTP 404 (BLOB_UNKNOWN: blob unknown to registry) (at " +
                                        proxy.second_url("/v2/a/blobs/sha256:00") +
                                        ", where a redirect led)");
}

// client -> redirecting proxy (307 to its second port) -> dropping proxy -> file server: the
// resume goes through the redirect again, with Range on both hops and the header on neither
// second-port request.
TEST_F(FaultTest, AResumeAfterARedirectKeepsTheHeaderAtHome) {
  TestServer dropping = start_proxy(upstream_->server, {"--drop-after", "1000000"});
  TestServer redirecting =
      start_proxy(dropping, {"--redirect-to-second-port", "--path-regex", "blob"});
  HttpClient client(fast_options());
  std::string token = fake_bearer();
  CountingAuthorizer auth(token, token);
  expect_blob(client, {.url = redirecting.url("/blob.bin"), .auth = &auth});
  auto stats = proxy_stats(redirecting);
  EXPECT_EQ(stats["requests"]["second"], 2);
  EXPECT_EQ(stats["range_requests"], 2);
  EXPECT_EQ(stats["authorization"]["first"], 2);
  EXPECT_EQ(stats["authorization"]["second"], 0);
  EXPECT_EQ(proxy_stats(dropping)["range_requests"], 1);
}

TEST_F(FaultTest, A401RefreshesTheCredentialsOnce) {
  std::string stale = fake_bearer(), fresh = fake_bearer();
  Upstream guarded({"--require-auth-env", "STRATA_TEST_AUTH"}, {"STRATA_TEST_AUTH=" + fresh});
  HttpClient client(fast_options());
  CountingAuthorizer auth(stale, fresh);
  auto stream = client.open({.url = guarded.server.url("/blob.bin"), .auth = &auth});
  ASSERT_TRUE(stream) << stream.error().message;
  auto body = drain(**stream, 65536);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_TRUE(*body == guarded.blob);
  EXPECT_EQ(auth.unauthorized_calls, 1);
  EXPECT_EQ(auth.header_calls, 2);
  EXPECT_EQ(auth.last_challenge, "Bearer realm=\"strata-test\"");
}

TEST_F(FaultTest, A401ThatPersistsIsTheAnswerAndNamesNoToken) {
  std::string wrong = fake_bearer(), still_wrong = fake_bearer();
  Upstream guarded({"--require-auth-env", "STRATA_TEST_AUTH"},
                   {"STRATA_TEST_AUTH=" + fake_bearer()});
  HttpClient client(fast_options());
  CountingAuthorizer auth(wrong, still_wrong);
  std::string url = guarded.server.url("/blob.bin");
  auto stream = client.open({.url = url, .auth = &auth});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message,
            "GET " + url + ": HTTP 401 (UNAUTHORIZED: authentication required)");
  EXPECT_EQ(auth.unauthorized_calls, 1);
  auto fetched = client.fetch({.url = url, .auth = &auth}, 1 << 16);
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(fetched->first.status, 401);
  EXPECT_EQ(auth.unauthorized_calls, 2);  // once per request, never in a loop
}

}  // namespace
}  // namespace strata::net::test
