#include "strata/image/layer_footprint.hpp"

namespace strata {

namespace {

constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;

uint64_t fnv_step(uint64_t h, unsigned char c) { return (h ^ c) * 0x100000001b3ull; }

uint64_t finalized(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace

// FNV-1a over the bytes, then a 64-bit finalizer so that paths differing in their last bytes
// (siblings) spread over every bit of the key. Fixed constants: stored keys must never change.
// FNV-1a runs left to right, so the key of every prefix falls out of one pass (ancestor_keys).
uint64_t path_key(std::string_view path) {
  uint64_t h = kFnvBasis;
  for (unsigned char c : path) h = fnv_step(h, c);
  return finalized(h);
}

std::vector<uint64_t> ancestor_keys(std::string_view path) {
  std::vector<uint64_t> out;
  uint64_t h = kFnvBasis;
  for (unsigned char c : path) {
    if (c == '/') out.push_back(finalized(h));
    h = fnv_step(h, c);
  }
  return out;
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
