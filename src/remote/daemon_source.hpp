// The Docker Engine API and Podman's Docker-compatible API as an image source: the image is
// looked up with GET /v1.41/images/{name}/json (so a missing image or an unreachable daemon is
// a clear error before any export), exported with GET /v1.41/images/{name}/get (a
// docker-archive, its manifest.json last, so it must be spooled), streamed through
// net::HttpClient into a private temporary file that has no name on disk (nothing is left
// behind on any exit, SIGKILL included; see open_archive_stream), and read by the
// docker-archive reader. Reports name the image as typed ("docker-daemon:team/app:1.4").
//
//   auto src = open_daemon_source(DaemonKind::kDocker, "team/app:1.4", options);
//
// Endpoints (daemon_endpoint.hpp): docker-daemon: $DOCKER_HOST (unix://PATH, or
// tcp://HOST:PORT on a loopback host only), else unix:///var/run/docker.sock; podman:
// $CONTAINER_HOST, else /run/podman/podman.sock as root and $XDG_RUNTIME_DIR/podman/podman.sock
// otherwise. Errors name the image as typed and the endpoint:
//   "docker-daemon:team/app:1.4: no such image in the Docker Engine at unix:///…"
//   "podman:app:1: cannot reach the Podman service at unix:///…: … is it running?"
// Thread safety: see ImageSource; open_daemon_source reads the environment.
#pragma once

#include <memory>
#include <string>

#include "strata/remote/open_reference.hpp"

namespace strata {

enum class DaemonKind { kDocker, kPodman };

Result<std::unique_ptr<ImageSource>> open_daemon_source(DaemonKind kind, const std::string& name,
                                                        const RemoteOptions& options);

}  // namespace strata
