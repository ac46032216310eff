// When a failed HTTP attempt is tried again and how long to wait first: connection errors,
// 429 and 5xx are transient; delays grow exponentially with full jitter, and a 429/503's
// Retry-After (seconds or an HTTP-date) is honoured up to the client's timeout.
//
//   RetryBudget budget{options.retries};
//   if (is_transient(code) && !budget.exhausted()) { budget.wait_before_retry(options, {}); }
//
// Thread safety: a budget belongs to one request; the functions are thread-safe.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>

#include "strata/net/http_client.hpp"

namespace strata::net {

// The retries one logical request (and the resumes of its stream) may still spend.
class RetryBudget {
 public:
  explicit RetryBudget(int max_retries) : max_retries_(max_retries) {}
  bool exhausted() const { return used_ >= max_retries_; }
  int attempts() const { return used_ + 1; }  // made so far, the first included
  // Sleeps for the server's Retry-After when given, else for the next backoff delay, and
  // spends one retry.
  void wait_before_retry(const HttpOptions& options,
                         std::optional<std::chrono::milliseconds> retry_after);

 private:
  int max_retries_;
  int used_ = 0;
};

// A curl failure worth another attempt: refused, reset, timed out, cut short.
bool is_transient(CURLcode code);

// 429 and 5xx.
bool is_retryable_status(int status);

// Full jitter: a uniform delay in [0, min(backoff_max, backoff_base * 2^retry)].
std::chrono::milliseconds backoff_delay(const HttpOptions& options, int retry);

// The wait a 429 or 503 response asks for (Retry-After as seconds or an HTTP-date, capped at
// options.timeout), or nullopt when the response gives none.
std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& response,
                                                     const HttpOptions& options);

// " after N attempts" when more than one attempt was made, else "".
std::string attempts_note(const RetryBudget& budget);

}  // namespace strata::net
