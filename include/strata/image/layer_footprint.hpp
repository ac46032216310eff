// LayerFootprint: a layer's LayerChanges with every path replaced by a 64-bit hash of it. The
// fate post-pass (findings/timeline.hpp) only asks point questions (is this path, or a parent of
// it, written, whited out or made opaque by that layer?), which hashes answer as well as paths,
// at a fraction of the memory; and it is what the findings store keeps per layer, so an image's
// fates are assembled from stored layers without reading them again.
//
//   LayerFootprint f = LayerFootprint::of(changes);
//   if (const LayerEntry* e = f.entry("app/.env")) …
//   for (uint64_t dir : ancestor_keys("app/.env")) f.whiteout_at(dir);
//
// path_key is stable across runs, builds and machines (stored footprints rely on it). Two paths
// of one image colliding is a ~n²/2⁶⁵ event: 10⁻⁹ for 10⁵ paths.
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "strata/image/layer_changes.hpp"

namespace strata {

uint64_t path_key(std::string_view path);
// The keys of the directories `path` lives under ("a/b/c": the keys of "a" and "a/b"), in one
// pass over it: a path 1 MB long, 500,000 directories deep, costs 1 MB of hashing, not 250 GB.
std::vector<uint64_t> ancestor_keys(std::string_view path);

struct LayerFootprint {
  std::unordered_map<uint64_t, LayerEntry> entries;
  std::unordered_set<uint64_t> whiteouts;
  std::unordered_set<uint64_t> opaque_dirs;

  static LayerFootprint of(const LayerChanges& changes);

  const LayerEntry* entry(std::string_view path) const { return entry_at(path_key(path)); }
  bool whiteout(std::string_view path) const { return whiteouts.contains(path_key(path)); }
  bool opaque(std::string_view path) const { return opaque_dirs.contains(path_key(path)); }

  // The same by path_key.
  const LayerEntry* entry_at(uint64_t key) const {
    auto it = entries.find(key);
    return it == entries.end() ? nullptr : &it->second;
  }
  bool whiteout_at(uint64_t key) const { return whiteouts.contains(key); }
  bool opaque_at(uint64_t key) const { return opaque_dirs.contains(key); }
};

}  // namespace strata
