#include "exchange.hpp"

#include "error_body.hpp"
#include "url_rules.hpp"

namespace strata::net {

namespace {

constexpr int kMaxRedirects = 10;

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The method after a redirect: 303 (and, as browsers and curl do, 301/302 after a POST)
// turns into a GET; 307 and 308 keep the method and body.
std::string method_after(int status, const std::string& method) {
  if (method == "POST" && (status == 301 || status == 302 || status == 303)) return "GET";
  if (status == 303 && method != "HEAD") return "GET";
  return method;
}

class Exchange {
 public:
  Exchange(const HttpOptions& options, const HttpRequest& request, RetryBudget& budget,
           const std::vector<std::string>& extra)
      : options_(options), request_(request), budget_(budget), extra_(extra) {}

  Result<std::unique_ptr<Transfer>> run();

 private:
  Result<std::unique_ptr<Transfer>> follow_redirects();
  Result<std::unique_ptr<Transfer>> send(const std::string& url, const std::string& method);
  Result<bool> refresh_credentials(const HttpResponse& response);

  const HttpOptions& options_;
  const HttpRequest& request_;
  RetryBudget& budget_;
  const std::vector<std::string>& extra_;
  bool refreshed_ = false;
};

Result<std::unique_ptr<Transfer>> Exchange::run() {
  for (;;) {
    auto attempt = follow_redirects();
    if (!attempt) return attempt;
    Transfer& transfer = **attempt;
    if (!transfer.await_headers()) {  // no response at all
      if (!is_transient(transfer.result()) || budget_.exhausted()) {
        return fail(request_label(request_) + ": " + transfer.failure() +
                    elsewhere_note(request_, transfer.response().url) + attempts_note(budget_));
      }
      budget_.wait_before_retry(options_, std::nullopt);
      continue;
    }
    const HttpResponse& response = transfer.response();
    if (response.status == 401) {
      auto again = refresh_credentials(response);
      if (!again) return fail(again.error());
      if (*again) continue;
    }
    if (is_retryable_status(response.status) && !budget_.exhausted()) {
      auto wait = retry_after(response, options_);
      attempt->reset();  // drop the connection before sleeping
      budget_.wait_before_retry(options_, wait);
      continue;
    }
    return attempt;
  }
}

// One attempt, hop by hop; returns the first transfer that is not a redirect (or that never
// got a response).
Result<std::unique_ptr<Transfer>> Exchange::follow_redirects() {
  std::string url = request_.url;
  std::string method = request_.method;
  for (int hop = 0;; ++hop) {
    auto transfer = send(url, method);
    if (!transfer || !(*transfer)->await_headers()) return transfer;
    int status = (*transfer)->response().status;
    if (!is_redirect(status)) return transfer;
    if (hop == kMaxRedirects) {
      return fail(request_label(request_) + ": more than " + std::to_string(kMaxRedirects) +
                  " redirects");
    }
    auto location = (*transfer)->response().header("location");
    if (!location) {
      return fail(request_label(request_) + ": HTTP " + std::to_string(status) +
                  " redirect without a Location");
    }
    auto next = resolve_location(url, *location);
    if (!next) return fail(next.error().with_context(request_label(request_)));
    url = *next;
    method = method_after(status, method);
  }
}

Result<std::unique_ptr<Transfer>> Exchange::send(const std::string& url,
                                                 const std::string& method) {
  TransferSpec spec{.method = method, .url = url, .header_lines = {}, .body = {}};
  for (const auto& [name, value] : request_.headers)
    spec.header_lines.push_back(name + ": " + value);
  spec.header_lines.insert(spec.header_lines.end(), extra_.begin(), extra_.end());
  if (method == "POST") spec.body = request_.body;
  // Credentials go only where the caller sent the request: a blob redirected to object
  // storage or a CDN must not receive the registry's token.
  if (request_.auth && same_origin(url, request_.url)) {
    auto header = request_.auth->header_for(url);
    if (!header) return fail(header.error().with_context(request_label(request_)));
    if (!header->empty()) spec.header_lines.push_back("Authorization: " + *header);
  }
  auto transfer = Transfer::start(spec, options_);
  if (!transfer) return fail(transfer.error().with_context(request_label(request_)));
  return transfer;
}

// A 401 from the request's own origin: ask the Authorizer once for fresh credentials.
Result<bool> Exchange::refresh_credentials(const HttpResponse& response) {
  if (refreshed_ || !request_.auth || !same_origin(response.url, request_.url)) return false;
  refreshed_ = true;
  auto again = request_.auth->on_unauthorized(response.url, response);
  if (!again) return fail(again.error().with_context(request_label(request_)));
  return *again;
}

}  // namespace

Result<std::unique_ptr<Transfer>> exchange(const HttpOptions& options, const HttpRequest& request,
                                           RetryBudget& budget,
                                           const std::vector<std::string>& extra_header_lines) {
  return Exchange(options, request, budget, extra_header_lines).run();
}

std::string request_label(const HttpRequest& request) {
  return request.method + " " + url_for_messages(request.url);
}

std::string elsewhere_note(const HttpRequest& request, const std::string& url) {
  if (same_origin(url, request.url)) return "";
  return " (at " + url_for_messages(url) + ", where a redirect led)";
}

std::string status_error(const HttpRequest& request, const HttpResponse& response,
                         std::string_view body) {
  std::string message = request_label(request) + ": HTTP " + std::to_string(response.status);
  std::string said = describe_error_body(body);
  if (!said.empty()) message += " (" + said + ")";
  return message + elsewhere_note(request, response.url);
}

std::string read_error_body(Transfer& transfer, size_t limit) {
  std::string body;
  while (body.size() < limit && transfer.fill()) {
    std::string_view chunk = transfer.buffered().substr(0, limit - body.size());
    body.append(chunk);
    transfer.consume(chunk.size());
  }
  return body;
}

}  // namespace strata::net
