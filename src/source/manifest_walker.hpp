// ManifestWalker: one parser for OCI and Docker v2 indexes and manifests (nested indexes up to
// depth 4, attestation manifests, configs), reading documents through a ManifestStore. Used by
// the OCI layout reader and, through images_from_root, by the registry source.
//
//   ManifestWalker walker(store, "oci:./layout");
//   walker.walk_index(index_json, "index.json", {});
//   ImageListing listing = walker.take();
//
// Errors: "index.json manifests[1]: manifest sha256:…: digest mismatch (got …)".
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "image_listing.hpp"
#include "strata/source/manifest_store.hpp"

namespace strata {

class ManifestWalker {
 public:
  ManifestWalker(ManifestStore& store, std::string source);
  ~ManifestWalker();

  // Every entry of an index; `names` go to images whose entries carry no name of their own.
  Status walk_index(const nlohmann::json& index, const std::string& where,
                    const std::vector<std::string>& names);
  // One image manifest, as read from `text`.
  Status add_manifest(const BlobDescriptor& descriptor, const std::string& text,
                      const nlohmann::json& manifest, const std::vector<std::string>& names);
  ImageListing take();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

bool is_index_media_type(const std::string& media_type);
bool is_manifest_media_type(const std::string& media_type);

}  // namespace strata
