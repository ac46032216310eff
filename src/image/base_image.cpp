#include "strata/image/base_image.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace strata {

namespace {

constexpr std::string_view kBaseName = "org.opencontainers.image.base.name";
constexpr std::string_view kBaseDigest = "org.opencontainers.image.base.digest";

// A config string whose location ends with the key: "manifest.annotations.<key>" or
// "config.Labels.<key>"; empty values (multi-platform indexes write "") do not count.
// Manifest annotations win: labels are inherited, so a label may name the base's own base.
std::string recorded(const Image& image, std::string_view key) {
  for (std::string_view scope : {"manifest.annotations.", "config.Labels."}) {
    for (const ConfigString& cs : image.config_strings) {
      std::string_view loc = cs.location;
      // Each annotation is listed twice: the value, and "<key>: <value>" for keyed rules.
      bool keyed_copy = cs.text.starts_with(std::string(key) + ":");
      if (loc.size() == scope.size() + key.size() && loc.starts_with(scope) && loc.ends_with(key) &&
          !cs.text.empty() && !keyed_copy) {
        return cs.text;
      }
    }
  }
  return "";
}

bool is_short_image_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

// buildah: the first entry it adds says "FROM <base name>"; the ones after it "FROM <id>".
std::optional<int> buildah_first_own_step(const Image& image, std::string& name) {
  for (size_t i = 0; i < image.history.size(); ++i) {
    std::string_view comment = image.history[i].comment;
    if (!comment.starts_with("FROM ")) continue;
    std::string_view from = comment.substr(5);
    if (from.empty() || is_short_image_id(from)) continue;
    if (!name.empty() && from != name) continue;
    if (name.empty()) name = std::string(from);
    return static_cast<int>(i);
  }
  return std::nullopt;
}

// The first layer made at or after `step`: a layer whose steps end there or later.
std::optional<int> first_layer_from_step(const Image& image, int step) {
  if (!image.history_mapped) return std::nullopt;
  for (const LayerInfo& layer : image.layers) {
    if (layer.history_last && *layer.history_last >= step) return layer.index;
  }
  return static_cast<int>(image.layers.size());  // the own build added no layer
}

// buildah without --layers squashes the build into one layer and writes its "FROM <base>"
// comment on the last entry, which carries that layer: the build then starts right after the
// base's last layer, not at the comment.
int squash_aware_first_step(const Image& image, int comment_step, int first_own_layer) {
  if (first_own_layer <= 0 || first_own_layer >= static_cast<int>(image.layers.size())) {
    return comment_step;
  }
  const LayerInfo& own = image.layers[first_own_layer];
  const LayerInfo& base_top = image.layers[first_own_layer - 1];
  bool squashed = own.history_first && *own.history_first < comment_step;
  if (!squashed || !base_top.history_last) return comment_step;
  return *base_top.history_last + 1;
}

// The base image stored in the same source: its layers must be a prefix of ours.
std::optional<int> stored_base_layers(const Image& image, const BaseImage& base,
                                      const std::vector<Image>& others) {
  for (const Image& other : others) {
    if (&other == &image || other.is_attestation) continue;
    bool same = (!base.digest.empty() && other.manifest_digest.str() == base.digest) ||
                (!base.name.empty() && other.reference == base.name);
    if (!same || other.layers.size() > image.layers.size()) continue;
    bool prefix = std::equal(other.layers.begin(), other.layers.end(), image.layers.begin(),
                             [](const LayerInfo& a, const LayerInfo& b) {
                               return a.diff_id && b.diff_id ? *a.diff_id == *b.diff_id
                                                             : a.blob.digest == b.blob.digest;
                             });
    if (prefix) return static_cast<int>(other.layers.size());
  }
  return std::nullopt;
}

}  // namespace

std::optional<BaseImage> find_base_image(const Image& image, const std::vector<Image>& others) {
  BaseImage base;
  base.name = recorded(image, kBaseName);
  base.digest = recorded(image, kBaseDigest);
  base.first_own_step = buildah_first_own_step(image, base.name);
  if (base.name.empty() && base.digest.empty()) return std::nullopt;
  if (base.first_own_step) {
    base.first_own_layer = first_layer_from_step(image, *base.first_own_step);
    if (base.first_own_layer) {
      base.first_own_step =
          squash_aware_first_step(image, *base.first_own_step, *base.first_own_layer);
    }
  }
  if (!base.first_own_layer) base.first_own_layer = stored_base_layers(image, base, others);
  return base;
}

}  // namespace strata
