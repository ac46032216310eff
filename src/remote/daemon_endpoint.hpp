// Where a Docker Engine or Podman API listens, from the environment as their own clients read
// it: docker-daemon: $DOCKER_HOST, else unix:///var/run/docker.sock; podman: $CONTAINER_HOST,
// else /run/podman/podman.sock as root and $XDG_RUNTIME_DIR/podman/podman.sock otherwise.
// unix://PATH and tcp://HOST:PORT (plain HTTP, loopback hosts only: the API has no auth of
// its own and a scan must not send image requests across a network unencrypted) are accepted.
//
//   auto endpoint = resolve_daemon_endpoint(DaemonKind::kDocker);
//   net::HttpClient http({.unix_socket = endpoint->unix_socket});
//   http.fetch({.url = endpoint->base_url + "/v1.41/version"}, 1 << 20);
//
// Thread safety: reads the environment; call before starting threads that change it.
// Errors name the variable and its value.
#pragma once

#include <string>
#include <string_view>

#include "daemon_source.hpp"
#include "strata/core/result.hpp"

namespace strata {

struct DaemonEndpoint {
  std::string display;      // as the user would write it: "unix:///run/docker.sock"
  std::string unix_socket;  // the socket path, "" for tcp
  std::string base_url;     // "http://localhost" for a socket, "http://127.0.0.1:2375" for tcp
};

Result<DaemonEndpoint> resolve_daemon_endpoint(DaemonKind kind);

// Parses one endpoint URL; `variable` names where it came from for errors.
Result<DaemonEndpoint> parse_daemon_endpoint(std::string_view url, std::string_view variable);

std::string_view daemon_prefix(DaemonKind kind);   // "docker-daemon:", "podman:"
std::string_view daemon_product(DaemonKind kind);  // "the Docker Engine", "the Podman service"

}  // namespace strata
