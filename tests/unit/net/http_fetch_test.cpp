// HttpClient::fetch against the static file server: whole bodies, statuses handed back,
// limits, redirects, and connection failures that run out of retries.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net_test_servers.hpp"
#include "support/skip_or_fail.hpp"

namespace strata::net::test {
namespace {

class FetchTest : public UpstreamTest {};

TEST_F(FetchTest, ReturnsStatusHeadersAndWholeBody) {
  HttpClient client(fast_options());
  auto r = client.fetch({.url = upstream_->server.url("/blob.bin")}, 8 << 20);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first.status, 200);
  EXPECT_EQ(r->first.header("Content-Length"), std::to_string(upstream_->blob.size()));
  EXPECT_TRUE(r->second == upstream_->blob);
}

TEST_F(FetchTest, HandsBackAnErrorStatusWithItsBody) {
  HttpClient client(fast_options());
  auto r = client.fetch({.url = upstream_->server.url("/v2/a/blobs/sha256:00")}, 1 << 16);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first.status, 404);
  EXPECT_NE(r->second.find("BLOB_UNKNOWN"), std::string::npos) << r->second;
}

TEST_F(FetchTest, FailsWhenTheBodyExceedsTheLimit) {
  HttpClient client(fast_options());
  std::string url = upstream_->server.url("/blob.bin");
  auto r = client.fetch({.url = url}, 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "GET " + url + ": response body larger than 1000 bytes");
}

TEST_F(FetchTest, HeadGivesHeadersWithoutBody) {
  HttpClient client(fast_options());
  auto r = client.fetch({.method = "HEAD", .url = upstream_->server.url("/blob.bin")}, 1000);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first.status, 200);
  EXPECT_EQ(r->first.header("content-length"), std::to_string(upstream_->blob.size()));
  EXPECT_TRUE(r->second.empty());
}

TEST_F(FetchTest, PostsTheBodyWithTheRequestHeaders) {
  HttpClient client(fast_options());
  HttpRequest request{.method = "POST",
                      .url = upstream_->server.url("/__echo"),
                      .headers = {{"Accept", "application/vnd.oci.image.index.v1+json"},
                                  {"Content-Type", "application/x-www-form-urlencoded"}},
                      .body = "grant_type=refresh_token&scope=repository%3Aa%3Apull"};
  auto r = client.fetch(request, 1 << 16);
  ASSERT_TRUE(r) << r.error().message;
  auto echo = nlohmann::json::parse(r->second);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"], request.body);
  EXPECT_EQ(echo["headers"]["accept"], "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(echo["headers"]["user-agent"], "strata");
  EXPECT_FALSE(echo["headers"].contains("authorization"));
}

TEST_F(FetchTest, FollowsRelativeRedirects) {
  HttpClient client(fast_options());
  auto r =
      client.fetch({.url = upstream_->server.url("/__redirect/9/blob.bin")}, 8 << 20);  // 10 hops
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->first.status, 200);
  EXPECT_EQ(r->first.url, upstream_->server.url("/blob.bin"));
  EXPECT_TRUE(r->second == upstream_->blob);
}

TEST_F(FetchTest, GivesUpAfterTenRedirects) {
  HttpClient client(fast_options());
  std::string url = upstream_->server.url("/__redirect/10/blob.bin");  // 11 hops
  auto r = client.fetch({.url = url}, 8 << 20);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "GET " + url + ": more than 10 redirects");
}

// A loopback port nobody listens on: bound, then closed.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

TEST(FetchRefusedTest, RetriesThenFailsInBoundedTime) {
  HttpClient client(fast_options(3));
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v2/a/manifests/1";
  auto started = std::chrono::steady_clock::now();
  auto r = client.fetch({.url = url + "?X-Signature=abc"}, 1 << 16);
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "GET " + url + ": connection refused after 4 attempts");
  EXPECT_LT(elapsed, std::chrono::seconds(3));  // 3 backoffs of at most 50 ms each, plus slack
}

TEST(FetchRefusedTest, OpenFailsTheSameWay) {
  HttpClient client(fast_options(0));
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v2/a/blobs/b";
  auto r = client.open({.url = url});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "GET " + url + ": connection refused");
}

TEST(FetchBadUrlTest, OtherSchemesAndMalformedUrlsFailAtOnce) {
  HttpClient client(fast_options(3));
  auto started = std::chrono::steady_clock::now();
  auto ftp = client.fetch({.url = "ftp://127.0.0.1/x"}, 1 << 16);
  ASSERT_FALSE(ftp);
  EXPECT_TRUE(ftp.error().message.starts_with("GET ftp://127.0.0.1/x: ")) << ftp.error().message;
  EXPECT_NE(ftp.error().message.find("ftp"), std::string::npos);
  auto malformed = client.open({.url = "http://[::1/x?token=abc"});
  ASSERT_FALSE(malformed);
  EXPECT_TRUE(malformed.error().message.starts_with("GET http://[::1/x: "))
      << malformed.error().message;
  EXPECT_EQ(malformed.error().message.find("token"), std::string::npos);
  EXPECT_EQ(malformed.error().message.find("attempts"), std::string::npos);
  EXPECT_EQ(malformed.error().message.find("redirect"), std::string::npos);
  auto put = client.fetch({.method = "PUT", .url = "http://127.0.0.1/x"}, 1 << 16);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().message, "PUT http://127.0.0.1/x: HTTP method PUT is not supported");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(UrlForMessagesTest, DropsQueryFragmentAndUserInfo) {
  EXPECT_EQ(url_for_messages("https://s3.example/b/k?X-Amz-Signature=1#f"),
            "https://s3.example/b/k");
  EXPECT_EQ(url_for_messages("https://user:pw@r.example:5000/v2/"), "https://r.example:5000/v2/");
  EXPECT_EQ(url_for_messages("http://127.0.0.1:5000/v2/a@b/x"), "http://127.0.0.1:5000/v2/a@b/x");
  EXPECT_EQ(url_for_messages("not a url?q"), "not a url");
}

TEST(HttpResponseTest, FindsHeadersCaseInsensitively) {
  HttpResponse response{.status = 401,
                        .url = "",
                        .headers = {{"www-authenticate", "Bearer a"},
                                    {"content-type", "x"},
                                    {"www-authenticate", "Basic b"}}};
  EXPECT_EQ(response.header("WWW-Authenticate"), "Bearer a");
  EXPECT_EQ(response.all("Www-Authenticate"), (std::vector<std::string>{"Bearer a", "Basic b"}));
  EXPECT_EQ(response.header("location"), std::nullopt);
}

}  // namespace
}  // namespace strata::net::test
