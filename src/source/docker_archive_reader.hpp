// Reads every image of a `docker save` archive from its manifest.json: the legacy shape
// (<hex>.json configs, <id>/layer.tar uncompressed layers whose sha256 is the diff_id, <id>/json
// v1 metadata) and the Docker 25+ shape that is also an OCI layout (blobs/sha256/…, whose OCI
// view supplies the manifest digest, media types and attestations when it agrees).
//
//   auto listing = read_docker_archive(tree, "./app.tar");   // Result<ImageListing>
//
// Errors: "manifest.json: invalid JSON at byte N", "config 1a2b….json: digest mismatch (got …)".
#pragma once

#include <string>

#include "file_tree.hpp"
#include "image_listing.hpp"

namespace strata {

Result<ImageListing> read_docker_archive(const FileTree& tree, const std::string& source);

}  // namespace strata
