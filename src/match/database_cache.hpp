// A disk cache of compiled Hyperscan databases: compiling a few hundred rules takes seconds,
// loading a serialized database milliseconds. Entries are keyed by everything that shapes the
// database (the expressions and flags, the Hyperscan version, the CPU features it targets),
// written atomically (temp file + rename, so concurrent writers are safe) and checked with a
// SHA-256 of their bytes, so a corrupt file is recompiled, never trusted.
//
// Directory: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata.
// STRATA_NO_CACHE=1 turns it off. A cache that cannot be read or written is silently skipped:
// it only ever costs the compile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "handles.hpp"

namespace strata::match_detail {

// A compiled database and each pattern's maximum match width, in pattern order.
struct CachedDatabase {
  HsDatabasePtr database;
  std::vector<uint32_t> widths;
};

class DatabaseCache {
 public:
  // `key_material`: the expressions and flags the database is compiled from.
  explicit DatabaseCache(const std::string& key_material);
  // The cached entry, or nothing.
  std::optional<CachedDatabase> load() const;
  void store(const CachedDatabase& entry) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;  // empty when caching is off
};

}  // namespace strata::match_detail
