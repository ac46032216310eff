// How queries name a stored image: "registry/repository:tag", "registry/repository@sha256:…",
// "registry/repository" (the tag "latest"), or a bare manifest digest "sha256:…".
//
//   auto ref = parse_stored_reference("registry.example.com/team/app:1.4");
//   ref->registry == "registry.example.com"; ref->repository == "team/app"; ref->tag == "1.4"
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "strata/core/result.hpp"

namespace strata {

struct StoredReference {
  std::string registry;    // empty for a bare digest
  std::string repository;  // empty for a bare digest
  std::string tag;         // empty when named by digest
  std::string digest;      // manifest digest, when named by digest
};

Result<StoredReference> parse_stored_reference(const std::string& text);

// "registry/repository:tag" when tagged, "registry/repository@digest" otherwise.
std::string stored_reference_text(const std::string& registry, const std::string& repository,
                                  const std::string& tag, const std::string& digest);

}  // namespace strata
