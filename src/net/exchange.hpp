// Exchange: one logical HTTP request carried to its final response: redirects followed by hand
// (at most 10 hops; the Authorizer's header only to the request's own origin), one refresh of
// the credentials on a 401, and retries with backoff on connection errors, 429 and 5xx while
// the budget lasts. What it returns is a Transfer whose final headers are in and whose body is
// still to be read; the status may be anything (the caller judges it).
//
//   RetryBudget budget{options.retries};
//   auto t = exchange(options, request, budget, {"Range: bytes=100-"});
//
// Errors (connection failures once the budget is spent, bad redirects, the Authorizer's own
// errors) read "GET <url without query>: <reason>[ after N attempts]".
// Thread safety: one thread per call; the Authorizer may be shared.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retry_policy.hpp"
#include "strata/net/http_client.hpp"
#include "transfer.hpp"

namespace strata::net {

// How much of an error response's body is read for its message.
constexpr size_t kErrorBodyLimit = 64 * 1024;

[[nodiscard]] Result<std::unique_ptr<Transfer>> exchange(
    const HttpOptions& options, const HttpRequest& request, RetryBudget& budget,
    const std::vector<std::string>& extra_header_lines = {});

// "GET http://host/v2/…" for the front of messages.
std::string request_label(const HttpRequest& request);

// " (at <url>, where a redirect led)" when `url` is on another origin than the request, else "".
std::string elsewhere_note(const HttpRequest& request, const std::string& url);

// "GET …: HTTP 404 (BLOB_UNKNOWN: blob unknown to registry)" from a response and its body
// (or the first part of it).
std::string status_error(const HttpRequest& request, const HttpResponse& response,
                         std::string_view body);

// Reads at most `limit` bytes of a transfer's body (for error messages); the rest stays unread.
std::string read_error_body(Transfer& transfer, size_t limit);

}  // namespace strata::net
