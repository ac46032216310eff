#include "support/registry_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "strata/core/base64.hpp"

namespace strata::test {
namespace {

struct Target {
  std::string host;
  int port = 0;
  std::string path;
};

bool parse_url(const std::string& url, Target& out) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  size_t host_end = url.find('/', scheme.size());
  std::string authority = url.substr(scheme.size(), host_end - scheme.size());
  out.path = host_end == std::string::npos ? "/" : url.substr(host_end);
  size_t colon = authority.rfind(':');
  if (colon == std::string::npos) return false;
  out.host = authority.substr(0, colon);
  out.port = std::atoi(authority.c_str() + colon + 1);
  return out.port > 0 && out.port < 65536;
}

class Socket {
 public:
  Socket() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int n;
  do {
    n = poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

std::string connect_to(const Socket& s, const Target& t, int timeout_ms) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(t.port));
  if (inet_pton(AF_INET, t.host.c_str(), &addr.sin_addr) != 1) return "not an IPv4 address";
  if (s.fd() < 0) return std::string("socket: ") + std::strerror(errno);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(s.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return std::string("connect: ") + std::strerror(errno);
  }
  return "";
}

std::string send_all(const Socket& s, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(s.fd(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::string("send: ") + std::strerror(errno);
    sent += static_cast<size_t>(n);
  }
  return "";
}

// Reads until the server closes the connection (HTTP/1.0 without keep-alive).
std::string receive_all(const Socket& s, int timeout_ms, std::string& out) {
  char buffer[65536];
  for (;;) {
    if (!wait_for(s.fd(), POLLIN, timeout_ms)) return "timed out reading the answer";
    ssize_t n = recv(s.fd(), buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::string("recv: ") + std::strerror(errno);
    if (n == 0) return "";
    out.append(buffer, static_cast<size_t>(n));
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void parse_answer(const std::string& raw, HttpReply& reply) {
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || head_end == std::string::npos) {
    reply.error = "not an HTTP answer";
    return;
  }
  size_t line_end = raw.find("\r\n");
  size_t space = raw.find(' ');
  reply.status = std::atoi(raw.c_str() + space + 1);
  size_t pos = line_end + 2;
  while (pos < head_end) {
    size_t eol = raw.find("\r\n", pos);
    std::string line = raw.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      reply.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    }
    pos = eol + 2;
  }
  reply.body = raw.substr(head_end + 4);
}

}  // namespace

std::string HttpReply::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

HttpReply http_request(const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers, const std::string& body,
                       int timeout_ms) {
  HttpReply reply;
  Target target;
  if (!parse_url(url, target)) {
    reply.error = "unsupported URL " + url + " (http://IPv4:PORT/... only)";
    return reply;
  }
  std::string request = method + " " + target.path + " HTTP/1.0\r\nHost: " + target.host + ":" +
                        std::to_string(target.port) + "\r\n";
  for (const std::string& h : headers) request += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  Socket socket;
  std::string raw;
  reply.error = connect_to(socket, target, timeout_ms);
  if (reply.error.empty()) reply.error = send_all(socket, request);
  if (reply.error.empty()) reply.error = receive_all(socket, timeout_ms, raw);
  if (reply.error.empty()) parse_answer(raw, reply);
  if (!reply.error.empty()) reply.error = method + " " + url + ": " + reply.error;
  return reply;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  return "Authorization: Basic " + base64_encode(user + ":" + password);
}

std::string bearer_auth(const std::string& token) { return "Authorization: Bearer " + token; }

}  // namespace strata::test
