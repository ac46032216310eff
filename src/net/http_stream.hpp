// HttpStream: the body of a 200 GET as a ByteStream that survives a broken connection. When the
// body breaks off after N bytes were delivered (a curl error, or the connection closed before
// Content-Length), it waits (backoff) and asks again with "Range: bytes=N-", spending the same
// retry budget as the request: a 206 starting at N continues the stream, a 200 (Range ignored)
// is read from 0 with the first N bytes skipped, anything else fails the stream. The reader sees
// one unbroken byte sequence: no byte twice, none lost.
//
//   auto stream = std::make_unique<HttpStream>(options, request, budget, std::move(transfer));
//
// Lends its buffer (ByteStream::lend) so a decoder can read in place. Thread safety: one thread.
// Errors: "GET <url>: connection closed before the end of the body after 4 attempts".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "retry_policy.hpp"
#include "strata/core/byte_stream.hpp"
#include "strata/net/http_client.hpp"
#include "transfer.hpp"

namespace strata::net {

class HttpStream final : public ByteStream {
 public:
  // `transfer` is the request's 200 response with its headers in.
  HttpStream(const HttpOptions& options, HttpRequest request, RetryBudget budget,
             std::unique_ptr<Transfer> transfer);

  Result<size_t> read(char* buffer, size_t capacity) override;
  bool lends() const override { return true; }
  Result<std::string_view> lend(size_t max) override;

 private:
  Status resume();
  Status continue_from(std::unique_ptr<Transfer> transfer);
  bool body_complete() const;

  HttpOptions options_;
  HttpRequest request_;
  RetryBudget budget_;
  std::unique_ptr<Transfer> transfer_;
  uint64_t delivered_ = 0;         // bytes handed to the reader
  uint64_t skip_ = 0;              // bytes of a re-sent body the reader already has
  std::optional<uint64_t> total_;  // the body's length, when the server said
  std::optional<Error> error_;     // a failed stream stays failed
};

// A header's value as a byte count, or nullopt.
std::optional<uint64_t> parse_length(const std::optional<std::string>& value);

// Content-Range "bytes FIRST-LAST/TOTAL": FIRST and TOTAL (nullopt for "*"), or nullopt when
// it does not parse.
struct ContentRange {
  uint64_t first = 0;
  std::optional<uint64_t> total;
};
std::optional<ContentRange> parse_content_range(const std::string& value);

}  // namespace strata::net
