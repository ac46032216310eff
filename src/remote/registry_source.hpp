// A registry as an image source, over the OCI distribution API: the reference's manifest
// (negotiated for OCI and Docker schema 2 manifests and indexes), the manifests an index
// lists, their configs, and layers that stream from the registry into the scan, each checked
// against its digest. Every image records the manifest digest actually scanned.
//
//   auto src = open_registry_source(*ImageReference::parse("nginx:1.27"), options);
#pragma once

#include <memory>

#include "strata/remote/image_reference.hpp"
#include "strata/remote/open_reference.hpp"

namespace strata {

Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageReference& reference,
                                                          const RemoteOptions& options);

// The digest of the reference's manifest or index, from that one request.
Result<Digest> resolve_registry_manifest(const ImageReference& reference,
                                         const RemoteOptions& options);

}  // namespace strata
