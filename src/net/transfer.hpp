// Transfer: one HTTP request and its response over a private curl easy handle, driven through
// a curl multi handle from the caller's own thread (no helper thread). Body bytes land in a
// buffer the caller drains (or straight into the caller's memory: read_into); when a chunk would
// push the buffer past ~1 MiB the transfer pauses
// (CURL_WRITEFUNC_PAUSE) until the caller has drained it, so memory stays bounded however
// slowly the reader goes.
//
//   auto t = Transfer::start({.method = "GET", .url = url, .header_lines = {...}}, options);
//   if (!t->await_headers()) return t->failure();          // never got a response
//   while (t->fill()) { use(t->buffered()); t->consume(t->buffered().size()); }
//   if (t->result() != CURLE_OK) ...                        // the body broke off
//
// No redirects, retries or auth here (the Exchange does those). Thread safety: one thread.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/net/http_client.hpp"

namespace strata::net {

struct TransferSpec {
  std::string method = "GET";  // GET, HEAD or POST
  std::string url{};
  std::vector<std::string> header_lines{};  // "Name: value"
  std::string body{};                       // POST only
};

// curl_global_init, once per process (HttpClient's constructor calls it; so does start()).
void init_curl_once();

class Transfer {
 public:
  static Result<std::unique_ptr<Transfer>> start(const TransferSpec& spec,
                                                 const HttpOptions& options);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Drives the transfer until the final (non-1xx) response's headers are in: true, or until
  // it ended without them: false (result() and failure() say why).
  bool await_headers();
  const HttpResponse& response() const { return response_; }

  // Drives the transfer until body bytes are buffered (true) or the body has ended (false).
  bool fill();
  // The buffered bytes; valid until the next fill() (consume() keeps them in place).
  std::string_view buffered() const;
  void consume(size_t n) { read_pos_ += n; }
  // fill() and copy into `out`: buffered bytes first; when there are none, curl's chunks are
  // copied straight to `out` as they arrive (what does not fit is buffered), saving the copy
  // through the buffer. Bytes copied (at most capacity), 0 once the body has ended.
  size_t read_into(char* out, size_t capacity);

  // Once ended: CURLE_OK for a complete response, else why it broke off.
  bool ended() const { return ended_; }
  CURLcode result() const { return result_; }
  // result() in words ("connection refused", "no progress for 60 s"), without URLs or headers.
  std::string failure() const;

 private:
  Transfer() = default;
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  size_t take_direct(const char* data, size_t n);  // what of a chunk fits read_into()'s room
  void take_header_line(std::string_view line);
  Status configure(const TransferSpec& spec, const HttpOptions& options);
  template <class Done>
  void drive_until(Done done);
  void collect_end();
  void end(CURLcode result);
  size_t pending() const { return buffer_.size() - read_pos_; }

  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* header_list_ = nullptr;
  std::chrono::milliseconds timeout_{0};
  HttpResponse response_;
  bool headers_done_ = false;
  std::string buffer_;
  size_t read_pos_ = 0;
  // read_into()'s destination while it drives the transfer (on_body fills it first).
  char* direct_out_ = nullptr;
  size_t direct_capacity_ = 0;
  size_t direct_size_ = 0;
  bool paused_ = false;
  uint64_t received_ = 0;  // header and body bytes so far (progress, for the stall clock)
  bool ended_ = false;
  CURLcode result_ = CURLE_OK;
  long os_errno_ = 0;
  char error_text_[CURL_ERROR_SIZE] = {};
};

}  // namespace strata::net
