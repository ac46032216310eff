#include "retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <random>
#include <thread>

namespace strata::net {

using std::chrono::milliseconds;

void RetryBudget::wait_before_retry(const HttpOptions& options,
                                    std::optional<milliseconds> retry_after) {
  std::this_thread::sleep_for(retry_after ? *retry_after : backoff_delay(options, used_));
  ++used_;
}

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // a connection cut during the handshake
      return true;
    default:
      return false;
  }
}

bool is_retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

milliseconds backoff_delay(const HttpOptions& options, int retry) {
  // Doubling stops well before overflow: 2^20 times any sane base is past any sane cap.
  int64_t ceiling = options.backoff_base.count() << std::clamp(retry, 0, 20);
  ceiling = std::clamp<int64_t>(ceiling, 0, options.backoff_max.count());
  thread_local std::mt19937_64 random{std::random_device{}()};
  return milliseconds(std::uniform_int_distribution<int64_t>(0, ceiling)(random));
}

namespace {

std::optional<int64_t> seconds_to_wait(const std::string& value) {
  int64_t seconds = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (end == value.data() + value.size() && !value.empty()) {
    if (error == std::errc::result_out_of_range) return INT64_MAX;  // absurdly long: the cap
    if (error == std::errc()) return std::max<int64_t>(0, seconds);
  }
  time_t when = curl_getdate(value.c_str(), nullptr);  // an HTTP-date
  if (when < 0) return std::nullopt;
  return std::max<int64_t>(0, static_cast<int64_t>(when - std::time(nullptr)));
}

}  // namespace

std::optional<milliseconds> retry_after(const HttpResponse& response, const HttpOptions& options) {
  if (response.status != 429 && response.status != 503) return std::nullopt;
  auto value = response.header("retry-after");
  if (!value) return std::nullopt;
  auto seconds = seconds_to_wait(*value);
  if (!seconds) return std::nullopt;
  // Compared in seconds first: a huge value must not overflow the conversion.
  if (*seconds >= options.timeout.count() / 1000 + 1) return options.timeout;
  return std::min<milliseconds>(std::chrono::seconds(*seconds), options.timeout);
}

std::string attempts_note(const RetryBudget& budget) {
  if (budget.attempts() <= 1) return "";
  return " after " + std::to_string(budget.attempts()) + " attempts";
}

}  // namespace strata::net
