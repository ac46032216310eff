// Opening what the user typed as an image source: a path on disk (always wins when it exists),
// a file transport (oci:, oci-archive:, docker-archive:), or an image reference:
//
//   registry.example.com/team/app:1.4    a registry, over the OCI distribution API
//   docker://127.0.0.1:5000/team/app@sha256:…   the same, explicitly
//   nginx, library/nginx:1.27             docker.io/library/… as docker expands them
//   docker-daemon:team/app:1.4           the Docker Engine API ($DOCKER_HOST, else
//                                         unix:///var/run/docker.sock)
//   podman:team/app:1.4                  Podman's Docker-compatible API socket
//                                         ($CONTAINER_HOST, else the rootful or rootless one)
//
//   auto src = open_reference("nginx:1.27", options);   // Result<std::unique_ptr<ImageSource>>
//
// Thread safety: see ImageSource. Errors name the reference, and for a registry the blob or
// manifest and the HTTP status; never a credential.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "strata/image/image_source.hpp"
#include "strata/remote/credentials.hpp"
#include "strata/source/open_source.hpp"

namespace strata {

struct RemoteOptions {
  SourceOptions source;     // --image, --platform (default: every platform), temp dir
  bool plain_http = false;  // --plain-http: HTTP for any registry, not only loopback
  std::string ca_file;      // --ca-file
  int retries = 3;          // --retries
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // --timeout (per stall)
  CredentialSources credentials = CredentialSources::from_environment();
};

[[nodiscard]] Result<std::unique_ptr<ImageSource>> open_reference(const std::string& text,
                                                                  const RemoteOptions& options);

// Whether `text` names an image reference rather than a file (no file or directory of that
// name exists, and it has no file transport prefix).
bool is_image_reference(const std::string& text);

// The digest of the manifest (or index) a registry reference names now, from one manifest
// request: no blob is fetched (an incremental sweep's "has this image changed?"). An error for
// what is not a registry reference (files, daemons).
[[nodiscard]] Result<Digest> resolve_manifest_digest(const std::string& text,
                                                     const RemoteOptions& options);

}  // namespace strata
