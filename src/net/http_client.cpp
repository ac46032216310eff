// HttpClient: fetch() reads a whole response, open() streams a 200 GET; both go through
// exchange() (redirects, auth, retries) and Transfer (one curl request).
#include "strata/net/http_client.hpp"

#include "exchange.hpp"
#include "http_stream.hpp"
#include "retry_policy.hpp"
#include "transfer.hpp"

namespace strata::net {

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) { init_curl_once(); }

HttpClient::~HttpClient() = default;

namespace {

// The rest of a transfer's body, or an error once it passes max_body.
Result<std::string> read_body(Transfer& transfer, const HttpRequest& request, uint64_t max_body) {
  std::string body;
  while (transfer.fill()) {
    std::string_view bytes = transfer.buffered();
    if (body.size() + bytes.size() > max_body) {
      return fail(request_label(request) + ": response body larger than " +
                  std::to_string(max_body) + " bytes");
    }
    body.append(bytes);
    transfer.consume(bytes.size());
  }
  return body;
}

}  // namespace

Result<std::pair<HttpResponse, std::string>> HttpClient::fetch(const HttpRequest& request,
                                                               uint64_t max_body) {
  RetryBudget budget(options_.retries);
  for (;;) {
    auto transfer = exchange(options_, request, budget);
    if (!transfer) return fail(transfer.error());
    auto body = read_body(**transfer, request, max_body);
    if (!body) return fail(body.error());
    Transfer& done = **transfer;
    if (done.result() == CURLE_OK) return std::pair{done.response(), std::move(*body)};
    if (!is_transient(done.result()) || budget.exhausted()) {
      return fail(request_label(request) + ": " + done.failure() + attempts_note(budget));
    }
    transfer->reset();  // a small body is simply asked for again
    budget.wait_before_retry(options_, std::nullopt);
  }
}

Result<std::unique_ptr<ByteStream>> HttpClient::open(const HttpRequest& request) {
  if (request.method != "GET") return fail(request_label(request) + ": only a GET can be opened");
  RetryBudget budget(options_.retries);
  auto transfer = exchange(options_, request, budget);
  if (!transfer) return fail(transfer.error());
  const HttpResponse& response = (*transfer)->response();
  if (response.status != 200) {
    std::string body = read_error_body(**transfer, kErrorBodyLimit);
    return fail(status_error(request, response, body) + attempts_note(budget));
  }
  return std::make_unique<HttpStream>(options_, request, budget, std::move(*transfer));
}

}  // namespace strata::net
