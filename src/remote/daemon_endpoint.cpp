#include "daemon_endpoint.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdlib>

namespace strata {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string default_podman_socket() {
  if (::geteuid() == 0) return "unix:///run/podman/podman.sock";
  std::string runtime = env_or_empty("XDG_RUNTIME_DIR");
  if (runtime.empty()) runtime = "/run/user/" + std::to_string(::geteuid());
  return "unix://" + runtime + "/podman/podman.sock";
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// "HOST:PORT", "[V6]:PORT" or "HOST" (docker's default port 2375), path and slash dropped.
Result<DaemonEndpoint> parse_tcp(std::string_view rest, std::string_view url,
                                 std::string_view variable) {
  rest = rest.substr(0, rest.find('/'));
  std::string_view host = rest, port = "2375";
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return fail(std::string(variable) + "=" + std::string(url) + ": unclosed '[' in the host");
    }
    host = rest.substr(1, close - 1);
    if (rest.size() > close + 1 && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  bool numeric_port = !port.empty() && port.size() <= 5 &&
                      port.find_first_not_of("0123456789") == std::string_view::npos;
  if (!numeric_port) {
    return fail(std::string(variable) + "=" + std::string(url) + ": the port is not a number");
  }
  if (!is_loopback_host(host)) {
    return fail(std::string(variable) + "=" + std::string(url) +
                ": strata reaches a daemon over TCP only on a loopback address (127.0.0.1, "
                "::1, localhost): the API is unauthenticated plain HTTP; use its unix socket");
  }
  std::string authority = host.find(':') != std::string_view::npos
                              ? "[" + std::string(host) + "]:" + std::string(port)
                              : std::string(host) + ":" + std::string(port);
  return DaemonEndpoint{"tcp://" + authority, "", "http://" + authority};
}

}  // namespace

std::string_view daemon_prefix(DaemonKind kind) {
  return kind == DaemonKind::kDocker ? "docker-daemon:" : "podman:";
}

std::string_view daemon_product(DaemonKind kind) {
  return kind == DaemonKind::kDocker ? "the Docker Engine" : "the Podman service";
}

Result<DaemonEndpoint> parse_daemon_endpoint(std::string_view url, std::string_view variable) {
  if (url.starts_with("unix://")) {
    std::string path(url.substr(7));
    if (path.empty()) return fail(std::string(variable) + "=" + std::string(url) + ": no path");
    return DaemonEndpoint{std::string(url), path, "http://localhost"};
  }
  if (url.starts_with("tcp://")) return parse_tcp(url.substr(6), url, variable);
  return fail(std::string(variable) + "=" + std::string(url) +
              ": unsupported; strata reaches a daemon through unix://PATH or tcp://HOST:PORT");
}

Result<DaemonEndpoint> resolve_daemon_endpoint(DaemonKind kind) {
  const char* variable = kind == DaemonKind::kDocker ? "DOCKER_HOST" : "CONTAINER_HOST";
  std::string url = env_or_empty(variable);
  if (!url.empty()) return parse_daemon_endpoint(url, variable);
  if (kind == DaemonKind::kDocker)
    return parse_daemon_endpoint("unix:///var/run/docker.sock", "default");
  return parse_daemon_endpoint(default_podman_socket(), "default");
}

}  // namespace strata
