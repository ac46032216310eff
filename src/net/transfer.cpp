#include "transfer.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <system_error>

namespace strata::net {

namespace {

// Past this much unread body the transfer pauses until the reader catches up.
constexpr size_t kMaxBuffered = size_t{1} << 20;
// curl's receive buffer (its default is 16 KiB): one recv() and one callback per this much.
// A blob of 300 MB from a loopback registry took ~19,000 recv() and as many poll() calls at
// 16 KiB, ~0.1 s of the blob reader's CPU; a bigger buffer takes what the socket holds in
// fewer calls. The blob reader's CPU on two-gzip: 128 KiB 0.25-0.27 s, 512 KiB 0.22-0.24 s,
// 1 MiB 0.21-0.22 s (the big layer, interleaved runs). At most kMaxBuffered, so a chunk handed
// over fits the paused buffer's bound.
constexpr long kReceiveBufferBytes = 1024L << 10;
static_assert(kReceiveBufferBytes <= static_cast<long>(kMaxBuffered));
// Longest single wait in curl_multi_poll; curl shortens it to its own timers.
constexpr int kPollMilliseconds = 1000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

std::string errno_note(long os_errno) {
  if (os_errno == 0) return "";
  return ": " + std::error_code(static_cast<int>(os_errno), std::generic_category()).message();
}

}  // namespace

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::unique_ptr<Transfer>> Transfer::start(const TransferSpec& spec,
                                                  const HttpOptions& options) {
  init_curl_once();
  std::unique_ptr<Transfer> transfer(new Transfer());
  transfer->easy_ = curl_easy_init();
  transfer->multi_ = curl_multi_init();
  if (!transfer->easy_ || !transfer->multi_) return fail("curl: cannot create a handle");
  transfer->timeout_ = options.timeout;
  transfer->response_.url = spec.url;
  if (auto configured = transfer->configure(spec, options); !configured) {
    return fail(configured.error());
  }
  if (curl_multi_add_handle(transfer->multi_, transfer->easy_) != CURLM_OK) {
    return fail("curl: cannot start a transfer");
  }
  return transfer;
}

Transfer::~Transfer() {
  if (multi_ && easy_) curl_multi_remove_handle(multi_, easy_);
  if (easy_) curl_easy_cleanup(easy_);
  if (multi_) curl_multi_cleanup(multi_);
  curl_slist_free_all(header_list_);
}

Status Transfer::configure(const TransferSpec& spec, const HttpOptions& options) {
  for (const auto& line : spec.header_lines) {
    header_list_ = curl_slist_append(header_list_, line.c_str());
  }
  header_list_ = curl_slist_append(header_list_, "Expect:");  // no 100-continue round trip
  if (!header_list_) return fail("curl: out of memory");
  // Stall detection instead of a whole-transfer timeout: a 2 GB layer may take its time as
  // long as bytes keep coming. curl counts this in whole seconds.
  long stall_seconds = std::max<long>(1, (options.timeout.count() + 999) / 1000);
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(easy_, option, value);
  };
  set(CURLOPT_URL, spec.url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);  // redirects are followed by hand (credentials stay home)
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, stall_seconds);
  set(CURLOPT_USERAGENT, options.user_agent.c_str());
  set(CURLOPT_HTTPHEADER, header_list_);
  set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  set(CURLOPT_ERRORBUFFER, error_text_);
  set(CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  set(CURLOPT_HEADERDATA, this);
  set(CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  set(CURLOPT_WRITEDATA, this);
  set(CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.unix_socket.empty()) {
    set(CURLOPT_UNIX_SOCKET_PATH, options.unix_socket.c_str());
    set(CURLOPT_NOPROXY, "*");  // a local socket: an http_proxy from the environment is moot
  }
  if (spec.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else if (spec.method == "POST") {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(spec.body.size()));
    set(CURLOPT_COPYPOSTFIELDS, spec.body.c_str());
  } else if (spec.method != "GET") {
    return fail("HTTP method " + spec.method + " is not supported");
  }
  if (rc != CURLE_OK) return fail(std::string("curl: ") + curl_easy_strerror(rc));
  return {};
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  transfer->take_header_line(std::string_view(data, size * count));
  transfer->received_ += size * count;
  return size * count;
}

void Transfer::take_header_line(std::string_view line) {
  line = trim(line);
  if (line.starts_with("HTTP/")) {  // a new response (after a 1xx): start over
    size_t space = line.find(' ');
    int status = 0;
    if (space != std::string_view::npos) {
      std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
    }
    response_.status = status;
    response_.headers.clear();
    headers_done_ = false;
    return;
  }
  if (line.empty()) {
    if (response_.status >= 200) headers_done_ = true;
    return;
  }
  size_t colon = line.find(':');
  if (headers_done_ || colon == std::string_view::npos) return;  // trailers, folded lines
  response_.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                 std::string(trim(line.substr(colon + 1))));
}

size_t Transfer::on_body(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  size_t n = size * count;
  if (transfer->pending() == 0) {
    transfer->buffer_.clear();
    transfer->read_pos_ = 0;
    // Nothing buffered comes first, so these bytes may go straight to read_into()'s caller;
    // the rest of the chunk is buffered below (never paused: part of it is taken already).
    size_t direct = transfer->take_direct(data, n);
    data += direct;
    n -= direct;
    transfer->received_ += direct;
    if (n == 0) return size * count;
  }
  if (transfer->pending() > 0 && transfer->pending() + n > kMaxBuffered) {
    transfer->paused_ = true;  // curl keeps this chunk and hands it over again on resume
    return CURL_WRITEFUNC_PAUSE;
  }
  if (transfer->read_pos_ >= kMaxBuffered) {
    transfer->buffer_.erase(0, transfer->read_pos_);
    transfer->read_pos_ = 0;
  }
  transfer->buffer_.append(data, n);
  transfer->received_ += n;
  return size * count;
}

size_t Transfer::take_direct(const char* data, size_t n) {
  size_t room = direct_capacity_ - direct_size_;
  size_t taken = std::min(n, room);
  if (taken > 0) std::memcpy(direct_out_ + direct_size_, data, taken);
  direct_size_ += taken;
  return taken;
}

// The stall clock runs only while the caller waits here: time the reader spends elsewhere (the
// transfer paused, or bytes waiting in the socket) is not the network's fault. curl's own
// low-speed check averages over several seconds, so this one is what keeps the limit exact.
template <class Done>
void Transfer::drive_until(Done done) {
  auto last_progress = std::chrono::steady_clock::now();
  uint64_t seen = received_;
  while (!done() && !ended_) {
    if (paused_ && pending() == 0) {
      paused_ = false;
      curl_easy_pause(easy_, CURLPAUSE_CONT);  // may deliver the held chunk right here
    }
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK) {
      end(CURLE_OUT_OF_MEMORY);
      return;
    }
    collect_end();
    if (done() || ended_) return;
    auto now = std::chrono::steady_clock::now();
    if (received_ != seen) {
      seen = received_;
      last_progress = now;
    } else if (now - last_progress >= timeout_) {
      end(CURLE_OPERATION_TIMEDOUT);
      return;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout_ - (now - last_progress));
    int wait = static_cast<int>(std::clamp<int64_t>(left.count() + 1, 1, kPollMilliseconds));
    curl_multi_poll(multi_, nullptr, 0, wait, nullptr);
  }
}

void Transfer::end(CURLcode result) {
  ended_ = true;
  result_ = result;
}

void Transfer::collect_end() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    end(message->data.result);
    curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno_);
  }
}

bool Transfer::await_headers() {
  drive_until([this] { return headers_done_; });
  return headers_done_;
}

bool Transfer::fill() {
  drive_until([this] { return pending() > 0; });
  return pending() > 0;
}

size_t Transfer::read_into(char* out, size_t capacity) {
  if (pending() == 0 && capacity > 0) {
    direct_out_ = out;
    direct_capacity_ = capacity;
    direct_size_ = 0;
    drive_until([this] { return direct_size_ > 0 || pending() > 0; });
    size_t direct = direct_size_;
    direct_out_ = nullptr;
    direct_capacity_ = direct_size_ = 0;
    if (direct > 0) return direct;  // anything buffered after it is for the next call
  }
  size_t n = std::min(capacity, pending());
  if (n > 0) std::memcpy(out, buffer_.data() + read_pos_, n);
  consume(n);
  return n;
}

std::string_view Transfer::buffered() const { return std::string_view(buffer_).substr(read_pos_); }

std::string Transfer::failure() const {
  switch (result_) {
    case CURLE_OK:
      return headers_done_ ? "" : "connection closed before the response headers";
    case CURLE_COULDNT_CONNECT:
      return os_errno_ == ECONNREFUSED ? "connection refused"
                                       : "cannot connect" + errno_note(os_errno_);
    case CURLE_OPERATION_TIMEDOUT:
      return "no progress for " + duration_text(timeout_);
    case CURLE_PARTIAL_FILE:
      return "connection closed before the end of the body";
    case CURLE_GOT_NOTHING:
      return "connection closed without a response";
    case CURLE_RECV_ERROR:
      return os_errno_ == ECONNRESET ? "connection reset"
                                     : "receive failed" + errno_note(os_errno_);
    case CURLE_SEND_ERROR:
      return os_errno_ == ECONNRESET ? "connection reset" : "send failed" + errno_note(os_errno_);
    default:  // curl's own detail (names hosts and certificates, never headers)
      return error_text_[0] ? std::string(error_text_) : curl_easy_strerror(result_);
  }
}

}  // namespace strata::net
