// HttpClient: HTTP(S) over libcurl for registries and daemon sockets, with the fault handling a
// long scan needs: retries with exponential backoff and jitter on connection errors, 429
// (Retry-After honoured) and 5xx; redirects followed by hand so that credentials never reach
// another origin; bodies either read whole (bounded) or streamed, a dropped stream resuming
// with a Range request from the byte reached (or re-fetched from 0 with the delivered prefix
// skipped when the server ignores Range), so the reader sees one unbroken stream.
//
//   net::HttpClient http({.ca_file = "", .retries = 3});
//   auto r = http.fetch({.url = "https://r.example/v2/"}, 1 << 20);     // status, headers, body
//   auto blob = http.open({.url = ".../blobs/sha256:…", .auth = &auth});  // ByteStream
//
// Credentials: an Authorizer supplies the Authorization header for its origin and refreshes
// it when a server answers 401; the header is sent only to the request's own origin (scheme,
// host, port) and never appears in errors or logs. Errors name the method, the URL without
// its query string, and the HTTP status or curl's reason.
//
// Thread safety: a client may be shared by threads (each call uses its own curl handle); a
// stream belongs to the thread that reads it. An Authorizer is called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/core/result.hpp"

namespace strata::net {

struct HttpOptions {
  std::string ca_file{};      // PEM bundle to trust instead of the system store ("" = system)
  std::string unix_socket{};  // connect through this socket (Docker/Podman API); URL host ignored
  int retries = 3;            // further attempts after the first, for transient failures
  // A connection that makes no progress for this long (connect, headers or body) fails the
  // attempt; also the longest single Retry-After wait honoured.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds backoff_base{std::chrono::milliseconds(250)};  // first retry delay
  std::chrono::milliseconds backoff_max{std::chrono::seconds(8)};          // delay cap
  std::string user_agent = "strata";
};

struct HttpResponse {
  int status = 0;
  std::string url{};                                           // the final URL, after redirects
  std::vector<std::pair<std::string, std::string>> headers{};  // names lower-cased, in order

  // The first header of this name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Every header of this name (WWW-Authenticate may come several times).
  std::vector<std::string> all(std::string_view name) const;
};

// Supplies and refreshes the Authorization header of one origin (see remote/registry_auth).
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // The header value for a request to `url` ("Bearer …", "Basic …"), or "" for none.
  [[nodiscard]] virtual Result<std::string> header_for(const std::string& url) = 0;
  // The server answered 401 to `url`: obtain new credentials from its challenge. Returns
  // whether there is something new to try (false: the 401 stands).
  [[nodiscard]] virtual Result<bool> on_unauthorized(const std::string& url,
                                                     const HttpResponse& response) = 0;
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD or POST
  std::string url{};
  std::vector<std::pair<std::string, std::string>> headers{};  // never "Authorization"
  std::string body{};          // POST body (form-encoded by the caller)
  Authorizer* auth = nullptr;  // credentials for the request's origin, if any
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const HttpOptions& options() const { return options_; }

  // The whole response (any status; the caller judges it). Retries transient failures; fails
  // when the body exceeds max_body bytes or the retries run out.
  [[nodiscard]] Result<std::pair<HttpResponse, std::string>> fetch(const HttpRequest& request,
                                                                   uint64_t max_body);

  // A GET whose body is read as it arrives. Fails unless the final status is 200 (the error
  // names the status and the registry's error code when the body gives one). The stream resumes
  // a dropped transfer as described above and fails once the retries run out (one budget of
  // options.retries for the request and all its resumes). The stream keeps a copy of the
  // request: request.auth must outlive it. At most ~1 MiB is buffered per stream; the
  // transfer pauses while the reader is busy, and only time spent waiting for the network
  // counts towards options.timeout. The stream lends its buffer (ByteStream::lend).
  [[nodiscard]] Result<std::unique_ptr<ByteStream>> open(const HttpRequest& request);

 private:
  HttpOptions options_;
};

// The URL without query string and fragment, for messages (a query may carry a signature).
std::string url_for_messages(std::string_view url);

}  // namespace strata::net
