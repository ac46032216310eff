// HttpClient::open: a streamed body, error statuses, and a body that breaks off (dropped or
// stalled) resumed with Range, or re-read and skipped where Range is ignored. Every successful
// read is compared with the served file byte for byte (by digest).
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

class StreamTest : public UpstreamTest {};

TEST_F(StreamTest, ReadsTheWholeBodyInSmallReads) {
  HttpClient client(fast_options());
  expect_blob(client, {.url = upstream_->server.url("/blob.bin")}, 1000);
}

TEST_F(StreamTest, LendsTheBodyInPlace) {
  HttpClient client(fast_options());
  auto stream = client.open({.url = upstream_->server.url("/blob.bin")});
  ASSERT_TRUE(stream) << stream.error().message;
  ASSERT_TRUE((*stream)->lends());
  std::string body;
  for (;;) {
    auto bytes = (*stream)->lend(100000);
    ASSERT_TRUE(bytes) << bytes.error().message;
    if (bytes->empty()) break;
    EXPECT_LE(bytes->size(), 100000u);
    body.append(*bytes);
  }
  EXPECT_EQ(sha256_of(body).str(), sha256_of(upstream_->blob).str());
}

TEST_F(StreamTest, NotFoundNamesTheStatusAndTheRegistryError) {
  HttpClient client(fast_options());
  std::string url = upstream_->server.url("/v2/a/blobs/sha256:0123");
  auto stream = client.open({.url = url + "?token=abc"});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message,
            "GET " + url + ": HTTP 404 (BLOB_UNKNOWN: blob unknown to registry)");
}

TEST_F(StreamTest, NotFoundGivesTheDockerApiMessage) {
  Upstream docker({"--error-style", "docker"});
  HttpClient client(fast_options());
  std::string url = docker.server.url("/images/team/app:1.4/get");
  auto stream = client.open({.url = url});
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error().message,
            "GET " + url + ": HTTP 404 (No such image: images/team/app:1.4/get)");
}

TEST_F(StreamTest, ADroppedBodyResumesWithRange) {
  TestServer proxy = start_proxy(upstream_->server, {"--drop-after", "1000000"});
  HttpClient client(fast_options());
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  auto stats = proxy_stats(proxy);
  EXPECT_EQ(stats["requests"]["first"], 2);
  EXPECT_EQ(stats["range_requests"], 1);
}

TEST_F(StreamTest, ADroppedBodyIsReReadAndSkippedWhenRangeIsIgnored) {
  TestServer proxy = start_proxy(upstream_->server, {"--drop-after", "1000000", "--ignore-range"});
  HttpClient client(fast_options());
  expect_blob(client, {.url = proxy.url("/blob.bin")}, 4096);
  EXPECT_EQ(proxy_stats(proxy)["requests"]["first"], 2);
}

TEST_F(StreamTest, ResumesAgainAfterEveryDropWhileRetriesLast) {
  TestServer proxy = start_proxy(upstream_->server, {"--drop-after", "700000", "--times", "3"});
  HttpClient client(fast_options(3));
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  EXPECT_EQ(proxy_stats(proxy)["range_requests"], 3);
}

TEST_F(StreamTest, FailsOnceTheRetriesRunOutKeepingWhatWasRead) {
  TestServer proxy =
      start_proxy(upstream_->server, {"--drop-after", "1000000", "--ignore-range", "--times", "9"});
  HttpClient client(fast_options(2));
  std::string url = proxy.url("/blob.bin");
  auto stream = client.open({.url = url});
  ASSERT_TRUE(stream) << stream.error().message;
  std::string partial;
  auto body = drain(**stream, 65536, &partial);
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().message, "GET " + url +
                                      ": connection closed before the end of the body at byte "
                                      "1000000 after 3 attempts");
  EXPECT_TRUE(partial == upstream_->blob.substr(0, 1000000));
  auto again = (*stream)->read(partial.data(), 1);  // a failed stream stays failed
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, body.error().message);
}

TEST_F(StreamTest, AStallFailsAfterTheTimeout) {
  TestServer proxy = start_proxy(upstream_->server, {"--stall-after", "500000", "--times", "9"});
  HttpOptions options = fast_options(0);
  options.timeout = seconds(1);
  HttpClient client(options);
  auto stream = client.open({.url = proxy.url("/blob.bin")});
  ASSERT_TRUE(stream) << stream.error().message;
  auto started = steady_clock::now();
  auto body = drain(**stream, 65536);
  ASSERT_FALSE(body);
  EXPECT_NE(body.error().message.find(": no progress for 1 s at byte 500000"), std::string::npos)
      << body.error().message;
  EXPECT_LT(steady_clock::now() - started, seconds(4));
}

TEST_F(StreamTest, AStallIsResumed) {
  TestServer proxy = start_proxy(upstream_->server, {"--stall-after", "500000"});
  HttpOptions options = fast_options(1);
  options.timeout = seconds(1);
  HttpClient client(options);
  expect_blob(client, {.url = proxy.url("/blob.bin")});
  EXPECT_EQ(proxy_stats(proxy)["range_requests"], 1);
}

// Only the network counts as stalled: a consumer that pauses longer than the timeout (the
// buffer fills, the transfer pauses) must not fail the stream.
TEST_F(StreamTest, ASlowReaderIsNotAStall) {
  HttpOptions options = fast_options(0);
  options.timeout = seconds(1);
  HttpClient client(options);
  auto stream = client.open({.url = upstream_->server.url("/blob.bin")});
  ASSERT_TRUE(stream) << stream.error().message;
  std::string first(100000, '\0');
  auto n = (*stream)->read(first.data(), first.size());
  ASSERT_TRUE(n) << n.error().message;
  first.resize(*n);
  std::this_thread::sleep_for(milliseconds(2500));
  auto rest = drain(**stream, 65536);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(sha256_of(first + *rest).str(), sha256_of(upstream_->blob).str());
}

}  // namespace
}  // namespace strata::net::test
