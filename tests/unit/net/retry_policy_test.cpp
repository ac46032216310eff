// The retry policy (backoff with full jitter, Retry-After), Content-Range parsing and the
// error-body summary, checked directly.
#include "retry_policy.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "error_body.hpp"
#include "http_stream.hpp"

namespace strata::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

HttpResponse with_retry_after(int status, std::string value) {
  return HttpResponse{.status = status, .url = "", .headers = {{"retry-after", std::move(value)}}};
}

TEST(RetryPolicyTest, BackoffStaysWithinTheDoublingCeilingAndTheCap) {
  HttpOptions options;
  options.backoff_base = milliseconds(100);
  options.backoff_max = milliseconds(1000);
  for (int retry = 0; retry < 70; ++retry) {
    auto ceiling = std::min<int64_t>(1000, retry < 20 ? 100LL << retry : 1000);
    for (int i = 0; i < 50; ++i) {
      auto delay = backoff_delay(options, retry).count();
      EXPECT_GE(delay, 0);
      EXPECT_LE(delay, ceiling) << "retry " << retry;
    }
  }
}

TEST(RetryPolicyTest, BackoffIsJittered) {
  HttpOptions options;
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(backoff_delay(options, 3).count());
  EXPECT_GT(seen.size(), 10u);
}

TEST(RetryPolicyTest, RetryAfterInSecondsOrAsAnHttpDate) {
  HttpOptions options;
  options.timeout = seconds(60);
  EXPECT_EQ(retry_after(with_retry_after(429, "7"), options), milliseconds(7000));
  EXPECT_EQ(retry_after(with_retry_after(503, "0"), options), milliseconds(0));
  char date[64];
  std::time_t later = std::time(nullptr) + 30;
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&later));
  auto wait = retry_after(with_retry_after(429, date), options);
  ASSERT_TRUE(wait);
  EXPECT_GE(*wait, seconds(28));
  EXPECT_LE(*wait, seconds(30));
  EXPECT_EQ(retry_after(with_retry_after(429, "Wed, 21 Oct 2015 07:28:00 GMT"), options),
            milliseconds(0));  // a date in the past: go at once
}

TEST(RetryPolicyTest, RetryAfterIsCappedAndOnlyFor429And503) {
  HttpOptions options;
  options.timeout = seconds(5);
  EXPECT_EQ(retry_after(with_retry_after(429, "3600"), options), seconds(5));
  EXPECT_EQ(retry_after(with_retry_after(429, "99999999999999999999"), options), seconds(5));
  EXPECT_EQ(retry_after(with_retry_after(500, "1"), options), std::nullopt);
  EXPECT_EQ(retry_after(with_retry_after(429, "soon"), options), std::nullopt);
  EXPECT_EQ(retry_after(HttpResponse{.status = 429}, options), std::nullopt);
}

TEST(RetryPolicyTest, WhatIsTransient) {
  EXPECT_TRUE(is_transient(CURLE_COULDNT_CONNECT));
  EXPECT_TRUE(is_transient(CURLE_PARTIAL_FILE));
  EXPECT_TRUE(is_transient(CURLE_OPERATION_TIMEDOUT));
  EXPECT_FALSE(is_transient(CURLE_PEER_FAILED_VERIFICATION));
  EXPECT_FALSE(is_transient(CURLE_COULDNT_RESOLVE_HOST));
  EXPECT_TRUE(is_retryable_status(429));
  EXPECT_TRUE(is_retryable_status(502));
  EXPECT_FALSE(is_retryable_status(404));
  EXPECT_FALSE(is_retryable_status(401));
}

TEST(ContentRangeTest, ParsesFirstAndTotal) {
  auto range = parse_content_range("bytes 100-199/200");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->first, 100u);
  EXPECT_EQ(range->total, 200u);
  auto unknown_total = parse_content_range("bytes 5-9/*");
  ASSERT_TRUE(unknown_total);
  EXPECT_EQ(unknown_total->total, std::nullopt);
  EXPECT_FALSE(parse_content_range("bytes */200"));
  EXPECT_FALSE(parse_content_range("bytes 10-5/200"));
  EXPECT_FALSE(parse_content_range("bytes 0-199/199"));
  EXPECT_FALSE(parse_content_range("items 0-1/2"));
}

TEST(ErrorBodyTest, SummarizesRegistryAndDockerErrors) {
  EXPECT_EQ(
      describe_error_body(
          R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]})"),
      "MANIFEST_UNKNOWN: manifest unknown");
  EXPECT_EQ(describe_error_body(R"({"message":"No such image: a:1"})"), "No such image: a:1");
  EXPECT_EQ(describe_error_body(R"({"errors":[{"code":"DENIED"}]})"), "DENIED");
  EXPECT_EQ(describe_error_body("<html>502 Bad Gateway</html>"), "");
  EXPECT_EQ(describe_error_body(R"({"errors":"x"})"), "");
  std::string long_message(1000, 'm');
  EXPECT_LT(describe_error_body(R"({"message":")" + long_message + "\"}").size(), 400u);
}

}  // namespace
}  // namespace strata::net
