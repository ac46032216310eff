#include "strata/image/layer_footprint.hpp"

namespace strata {

// FNV-1a over the bytes, then a 64-bit finalizer so that paths differing in their last bytes
// (siblings) spread over every bit of the key. Fixed constants: stored keys must never change.
uint64_t path_key(std::string_view path) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

LayerFootprint LayerFootprint::of(const LayerChanges& changes) {
  LayerFootprint f;
  f.entries.reserve(changes.entries.size());
  for (const auto& [path, entry] : changes.entries) f.entries.emplace(path_key(path), entry);
  for (const std::string& path : changes.whiteouts) f.whiteouts.insert(path_key(path));
  for (const std::string& path : changes.opaque_dirs) f.opaque_dirs.insert(path_key(path));
  return f;
}

}  // namespace strata
