// LayerFootprint: a layer's LayerChanges with every path replaced by a 64-bit hash of it. The
// fate post-pass (findings/timeline.hpp) only asks point questions (is this path, or a parent of
// it, written, whited out or made opaque by that layer?), which hashes answer as well as paths,
// at a fraction of the memory; and it is what the findings store keeps per layer, so an image's
// fates are assembled from stored layers without reading them again.
//
//   LayerFootprint f = LayerFootprint::of(changes);
//   if (const LayerEntry* e = f.entry("app/.env")) …
//
// path_key is stable across runs, builds and machines (stored footprints rely on it). Two paths
// of one image colliding is a ~n²/2⁶⁵ event: 10⁻⁹ for 10⁵ paths.
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "strata/image/layer_changes.hpp"

namespace strata {

uint64_t path_key(std::string_view path);

struct LayerFootprint {
  std::unordered_map<uint64_t, LayerEntry> entries;
  std::unordered_set<uint64_t> whiteouts;
  std::unordered_set<uint64_t> opaque_dirs;

  static LayerFootprint of(const LayerChanges& changes);

  const LayerEntry* entry(std::string_view path) const {
    auto it = entries.find(path_key(path));
    return it == entries.end() ? nullptr : &it->second;
  }
  bool whiteout(std::string_view path) const { return whiteouts.contains(path_key(path)); }
  bool opaque(std::string_view path) const { return opaque_dirs.contains(path_key(path)); }
};

}  // namespace strata
