// ImageReference: an image name as docker spells it, normalised as docker does.
//
//   auto ref = ImageReference::parse("nginx");          // docker.io/library/nginx:latest
//   auto ref = ImageReference::parse("127.0.0.1:5000/team/app@sha256:…");
//   ref->registry;    // "docker.io", "127.0.0.1:5000", "ghcr.io"
//   ref->repository;  // "library/nginx", "team/app"
//   ref->tag;         // "latest" when neither tag nor digest was given
//   ref->digest;      // set for name@sha256:…; a reference may carry both tag and digest
//   ref->str();       // "docker.io/library/nginx:latest", "r:5000/team/app@sha256:…"
//
// The first path component is a registry when it contains '.' or ':', is "localhost" or (as
// docker decides) has upper case; otherwise the registry is docker.io ("index.docker.io" is
// spelled "docker.io" too), and a one-component name there gets "library/".
// Repository components are lower-case [a-z0-9] runs joined by '.', '_', '__' or '-' runs; a
// tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; registry/repository is at most 255 characters.
// Errors name the reference and what is wrong with it.
//
// Thread safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "strata/core/digest.hpp"
#include "strata/core/result.hpp"

namespace strata {

struct ImageReference {
  std::string registry;
  std::string repository;
  std::string tag;
  std::optional<Digest> digest;

  [[nodiscard]] static Result<ImageReference> parse(std::string_view text);

  // registry/repository[:tag][@digest]
  std::string str() const;
  // registry/repository@digest when the digest is known, else str().
  std::string pinned(const Digest& manifest_digest) const;
  // What goes after /manifests/: the digest when given, else the tag.
  std::string manifest_selector() const;
  // The host to connect to: registry-1.docker.io for docker.io, else the registry.
  std::string api_host() const;
  // Whether the registry is on this machine (localhost, 127.0.0.0/8, ::1): plain HTTP is
  // allowed there, as docker allows it.
  bool is_loopback() const;
};

}  // namespace strata
