// The image domain model: what a source knows about one image before any layer is read, and
// the layers to read (layer.hpp).
//
//   for (const Image& img : *source.images()) {
//     for (const LayerInfo& layer : img.layers) { auto s = layer.layer->compressed(); ... }
//     for (const ConfigString& cs : img.config_strings) scan(cs.text);
//   }
//
// Thread safety: plain values; the layers they share are immutable.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/digest.hpp"

namespace strata {

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64"
  std::string variant;       // "v8", often empty

  // "linux/arm64" or "linux/arm/v7"; "" when unknown (a plain rootfs).
  std::string str() const;
  // Parses "os/arch[/variant]".
  static Result<Platform> parse(std::string_view text);
  // True when `wanted` names this platform (an empty variant in `wanted` matches any variant).
  bool matches(const Platform& wanted) const;
  bool operator==(const Platform&) const = default;
};

struct BlobDescriptor {
  std::string media_type;
  Digest digest;
  // The digest was recorded by the image (a manifest, a config's diff_ids, a blob's file name),
  // so checking it proves the bytes intact. False when strata computed it from the bytes
  // themselves (a plain rootfs tarball): checking it then only proves they did not change.
  bool digest_recorded = true;
  int64_t size = -1;  // -1: unknown
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
};

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  std::string author;
  bool empty_layer = false;
};

class Layer;

struct LayerInfo {
  int index = 0;        // 0-based, base layer first
  BlobDescriptor blob;  // the stored blob (compressed or not), as the image records it
  // Reads the layer; its descriptor() is `blob`. Shared by every image of a source that has
  // the layer. Set by the source (readers that only list leave it empty).
  std::shared_ptr<const Layer> layer;
  std::optional<Digest> diff_id;  // from the config's rootfs.diff_ids
  // History steps (indexes into Image::history) that made this layer: one step normally,
  // a range for squashed builds. Empty when the mapping is unknown.
  std::optional<int> history_first;
  std::optional<int> history_last;
};

// One string found in the image's JSON (config, manifest, index, legacy <id>/json, attestation).
struct ConfigString {
  // Where it is, as a JSON path: "config.Env[1]", "history[7].created_by",
  // "manifest.annotations.org.opencontainers.image.source", "legacy-json <id>.config.Env[0]".
  std::string location;
  std::string text;
  std::optional<int> history_step;  // set for history[N].* strings
};

struct Image {
  std::string source;      // what the user named ("./app.tar", "oci:./dir")
  std::string reference;   // "name:tag" when known, else the manifest digest
  Digest manifest_digest;  // empty for legacy docker-archives without one
  Digest config_digest;
  Platform platform;
  bool is_attestation = false;  // a buildx attestation manifest: layers are JSON documents
  std::vector<LayerInfo> layers;
  std::vector<HistoryEntry> history;
  bool history_mapped = false;  // false when the counts disagree: no mapping rather than a guess
  std::vector<ConfigString> config_strings;
};

}  // namespace strata
