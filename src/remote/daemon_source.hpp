// The Docker Engine API and Podman's Docker-compatible API as an image source: the image is
// exported with GET /images/{name}/get (a docker-archive), spooled to a private temporary
// file that is unlinked at once (nothing is left behind on any exit), and read by the
// docker-archive reader.
//
//   auto src = open_daemon_source(DaemonKind::kDocker, "team/app:1.4", options);
//
// Endpoints: docker-daemon: $DOCKER_HOST (unix://PATH or tcp://127.0.0.1:PORT), else
// unix:///var/run/docker.sock; podman: $CONTAINER_HOST, else /run/podman/podman.sock as root
// and $XDG_RUNTIME_DIR/podman/podman.sock otherwise. Errors name the endpoint and the image
// ("docker-daemon:team/app:1.4: no such image in the Docker Engine at unix:///…").
#pragma once

#include <memory>
#include <string>

#include "strata/remote/open_reference.hpp"

namespace strata {

enum class DaemonKind { kDocker, kPodman };

Result<std::unique_ptr<ImageSource>> open_daemon_source(DaemonKind kind, const std::string& name,
                                                        const RemoteOptions& options);

}  // namespace strata
