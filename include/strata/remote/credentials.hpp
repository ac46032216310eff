// Registry credentials, found where docker, podman and skopeo users already keep them.
//
//   CredentialSources sources = CredentialSources::from_environment();   // paths, env
//   auto cred = find_credentials("ghcr.io", sources);   // Result<std::optional<Credentials>>
//
// Order (the first source with an entry for the registry wins):
//   1. --username with --password-stdin (CredentialSources::explicit_credentials)
//   2. $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json (podman, skopeo)
//   3. $DOCKER_CONFIG/config.json, else ~/.docker/config.json: credHelpers[registry], then
//      auths[registry] (auth = base64 "user:password", or identitytoken), then credsStore
// Within a file, credHelpers and credsStore apply to auth.json as to config.json; an "auths"
// entry without credentials ({}, as docker writes next to a credsStore) does not count. Keys
// match as host[:port] or as URLs ("https://host/v1/"); a plain key with a path (a
// containers-auth.json namespace, "quay.io/team") is not used for the whole registry.
// A helper is run as `docker-credential-NAME get` with the server on stdin; its answer
// {"Username": …, "Secret": …} with Username "<token>" is an identity token. docker.io is
// looked up under its historic keys too ("https://index.docker.io/v1/", "index.docker.io").
//
// Errors name the file or helper and what is wrong, never a credential. A helper that says it
// has no credentials for the registry is not an error.
//
// Thread safety: plain values and a function that reads files and runs helpers.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "strata/core/result.hpp"

namespace strata {

struct Credentials {
  std::string username{};
  std::string password{};        // empty when identity_token is set
  std::string identity_token{};  // an OAuth2 refresh token (docker login with a token)
  std::string origin{};          // where they came from, for messages: "~/.docker/config.json"
};

struct CredentialSources {
  std::optional<Credentials> explicit_credentials;  // --username / --password-stdin
  std::string registry_auth_file;  // $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json
  std::string docker_config_file;  // $DOCKER_CONFIG/config.json or ~/.docker/config.json
  // How long a credential helper may take before it is killed (docker waits indefinitely).
  std::chrono::milliseconds helper_timeout{std::chrono::seconds(30)};

  static CredentialSources from_environment();
};

[[nodiscard]] Result<std::optional<Credentials>> find_credentials(const std::string& registry,
                                                                  const CredentialSources& sources);

}  // namespace strata
