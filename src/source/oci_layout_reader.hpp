// Reads every image of an OCI image layout (directory or archive): index.json, nested indexes
// (depth <= 4), OCI and Docker v2 manifests and lists, configs. Manifest, index and config blobs
// are digest-verified as they are read.
//
//   auto listing = read_oci_layout(tree, "oci:./layout");   // Result<ImageListing>
//
// Errors: "index.json: invalid JSON at byte N", "manifest sha256:…: digest mismatch (got …)",
// "missing blob sha256:… (config of app:1)".
#pragma once

#include <string>

#include "file_tree.hpp"
#include "image_listing.hpp"

namespace strata {

Result<ImageListing> read_oci_layout(const FileTree& tree, const std::string& source);

}  // namespace strata
