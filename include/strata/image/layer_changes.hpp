// LayerChanges: what one layer does to the filesystem, recorded while its tar is walked:
// the entries it writes (with a content hash for files), the whiteouts (`.wh.<name>`) and
// opaque directories (`.wh..wh..opq`). The fate post-pass (findings/timeline.hpp) reads these.
//
// Paths are normalized (strata/core/image_path.hpp): no leading "./" or "/", no trailing "/",
// ".." kept as written, "" is the root.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace strata {

enum class EntryType { kFile, kDirectory, kSymlink, kHardlink, kOther };

struct LayerEntry {
  EntryType type = EntryType::kFile;
  int64_t size = 0;
  uint64_t content_hash = 0;  // fast 64-bit hash of a file's bytes (0 for non-files)
};

struct LayerChanges {
  std::map<std::string, LayerEntry> entries;  // last entry wins for repeated paths (record())
  std::set<std::string> whiteouts;            // paths this layer deletes from lower layers
  std::set<std::string> opaque_dirs;          // dirs whose lower-layer contents this layer hides

  // Records `path`'s entry, replacing an earlier one. Tar writers mostly list paths in byte
  // order: a path after the last one is appended without a walk down the tree (a node_modules
  // layer records tens of thousands of long paths, and each walk misses the cache).
  void record(const std::string& path, const LayerEntry& entry) {
    if (entries.empty() || entries.rbegin()->first < path) {
      entries.emplace_hint(entries.end(), path, entry);
    } else {
      entries[path] = entry;
    }
  }
};

}  // namespace strata
