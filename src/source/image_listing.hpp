// ImageListing: what a layout reader found — the images (with the names used to select them)
// and where each blob is stored — before the user's --image / --platform selection.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "file_tree.hpp"
#include "strata/image/image.hpp"
#include "strata/source/manifest_store.hpp"

namespace strata {

struct ListedImage {
  Image image;
  std::vector<std::string> names;   // RepoTags / ref names, for --image
  std::optional<Digest> describes;  // an attestation: the manifest it describes
};

struct BlobLocation {
  std::string name;     // file in the tree; empty when the blob is missing
  std::string context;  // "layer 3 of app:1", for the missing-blob message
};

struct ImageListing {
  std::vector<ListedImage> images;
  std::map<std::string, BlobLocation> blobs;  // by digest string
};

// Gives every layer of the images its Layer; a layer shared by several images is one object.
void bind_layers(std::vector<Image>& images, const LayerMaker& make_layer);

// Parses JSON; the error reads "invalid JSON at byte N".
Result<nlohmann::json> parse_json_text(std::string_view text);

// "blobs/sha256/<hex>"
std::string oci_blob_name(const Digest& digest);

// Reads a JSON blob (manifest, config, index) through a VerifyingStream, bounded by
// ScanLimits::max_json_bytes; `what` names it in errors ("manifest", "config").
Result<std::string> read_verified_blob(const FileTree& tree, const Digest& digest, int64_t size,
                                       const std::string& what);

}  // namespace strata
