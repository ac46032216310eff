#include "http_stream.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "exchange.hpp"

namespace strata::net {

namespace {

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<uint64_t> parse_length(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  return parse_number(*value);
}

std::optional<ContentRange> parse_content_range(const std::string& value) {
  std::string_view text = value;
  if (!text.starts_with("bytes ")) return std::nullopt;
  text.remove_prefix(6);
  size_t dash = text.find('-');
  size_t slash = text.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  auto first = parse_number(text.substr(0, dash));
  auto last = parse_number(text.substr(dash + 1, slash - dash - 1));
  if (!first || !last || *last < *first) return std::nullopt;
  std::string_view total = text.substr(slash + 1);
  if (total == "*") return ContentRange{*first, std::nullopt};
  auto total_value = parse_number(total);
  if (!total_value || *total_value <= *last) return std::nullopt;
  return ContentRange{*first, total_value};
}

HttpStream::HttpStream(const HttpOptions& options, HttpRequest request, RetryBudget budget,
                       std::unique_ptr<Transfer> transfer)
    : options_(options),
      request_(std::move(request)),
      budget_(budget),
      transfer_(std::move(transfer)),
      total_(parse_length(transfer_->response().header("content-length"))) {}

Result<size_t> HttpStream::read(char* buffer, size_t capacity) {
  if (capacity == 0) return 0;
  if (skip_ == 0 && !error_) {  // the common case: the body straight into the caller's buffer
    size_t n = transfer_->read_into(buffer, capacity);
    delivered_ += n;
    if (n > 0) return n;
  }
  // The end, a broken body to resume, or a re-sent body to skip: lend() handles them all.
  auto bytes = lend(capacity);
  if (!bytes) return fail(bytes.error());
  if (!bytes->empty()) std::memcpy(buffer, bytes->data(), bytes->size());  // end: a null view
  return bytes->size();
}

Result<std::string_view> HttpStream::lend(size_t max) {
  for (;;) {
    if (error_) return fail(*error_);
    if (transfer_->fill()) {
      std::string_view bytes = transfer_->buffered();
      if (skip_ > 0) {  // a re-sent body: pass over what the reader already has
        size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, bytes.size()));
        transfer_->consume(n);
        skip_ -= n;
        continue;
      }
      bytes = bytes.substr(0, max);
      transfer_->consume(bytes.size());
      delivered_ += bytes.size();
      return bytes;
    }
    if (transfer_->result() == CURLE_OK && body_complete()) return std::string_view{};
    if (auto resumed = resume(); !resumed) {
      error_ = resumed.error();
      return fail(*error_);
    }
  }
}

bool HttpStream::body_complete() const { return skip_ == 0 && (!total_ || delivered_ >= *total_); }

// The body broke off: ask for the rest, unless the failure is not transient or the budget
// is spent.
Status HttpStream::resume() {
  bool closed_early = transfer_->result() == CURLE_OK;
  std::string why =
      closed_early ? "connection closed before the end of the body" : transfer_->failure();
  if ((!closed_early && !is_transient(transfer_->result())) || budget_.exhausted()) {
    return fail(request_label(request_) + ": " + why + " at byte " + std::to_string(delivered_) +
                elsewhere_note(request_, transfer_->response().url) + attempts_note(budget_));
  }
  transfer_.reset();  // drop the broken connection before waiting
  budget_.wait_before_retry(options_, std::nullopt);
  auto next =
      exchange(options_, request_, budget_, {"Range: bytes=" + std::to_string(delivered_) + "-"});
  if (!next) return fail(next.error());
  return continue_from(std::move(*next));
}

// Takes the answer to a Range request: 206 from the byte reached, or 200 from byte 0.
Status HttpStream::continue_from(std::unique_ptr<Transfer> transfer) {
  const HttpResponse& response = transfer->response();
  std::string at = " when resuming at byte " + std::to_string(delivered_);
  std::optional<uint64_t> total;
  if (response.status == 206) {
    std::string value = response.header("content-range").value_or("");
    auto range = parse_content_range(value);
    if (!range || range->first != delivered_) {
      return fail(request_label(request_) + ": HTTP 206 with Content-Range \"" + value + "\"" + at);
    }
    total = range->total;
    skip_ = 0;
  } else if (response.status == 200) {  // Range ignored: the whole body again
    total = parse_length(response.header("content-length"));
    skip_ = delivered_;
  } else {
    return fail(describe_status(request_, response, read_error_body(*transfer, kErrorBodyLimit)) +
                at);
  }
  if (total_ && total && *total_ != *total) {
    return fail(request_label(request_) + ": the body changed length from " +
                std::to_string(*total_) + " to " + std::to_string(*total) + " bytes" + at);
  }
  if (total) total_ = total;
  transfer_ = std::move(transfer);
  return {};
}

}  // namespace strata::net
