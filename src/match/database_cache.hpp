// A disk cache of compiled Hyperscan databases: compiling a few hundred rules takes seconds,
// loading a serialized database milliseconds. Entries are keyed by everything that shapes the
// database (the expressions and flags, the Hyperscan version, the CPU features it targets),
// written atomically (temp file + rename, so concurrent writers are safe) and checked with a
// SHA-256 of their bytes, so a corrupt file is recompiled, never trusted.
//
// Directory: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata. When it
// misses, the databases shipped with the binary (shipped_cache_dir(): compiled for the baseline
// x86-64 target, so they load on any machine) are tried. STRATA_NO_CACHE=1 turns both off. A
// cache that cannot be read or written is silently skipped: it only ever costs the compile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "handles.hpp"

namespace strata::match_detail {

// A compiled database and each pattern's maximum match width, in pattern order; with
// keyword-context rules (context_rules.hpp), their vendor database and head widths.
struct CachedDatabase {
  HsDatabasePtr database;
  std::vector<uint32_t> widths;
  HsDatabasePtr vendors;
  std::vector<uint32_t> head_widths;
};

// What a database is compiled for: this machine's CPU (the user's cache), or the baseline
// x86-64 target Hyperscan runs everywhere (what ships with the binary).
enum class DatabaseTarget { kHost, kBaseline };
hs_platform_info_t target_platform(DatabaseTarget target);

class DatabaseCache {
 public:
  // `key_material`: the expressions and flags the database is compiled from.
  explicit DatabaseCache(const std::string& key_material);
  // The user's entry, else the shipped one, else nothing.
  std::optional<CachedDatabase> load() const;
  void store(const CachedDatabase& entry) const;  // into the user's cache
  const std::string& path() const { return path_; }

  // Where a baseline entry for `key_material` lives in `dir` (the shipped directory), and
  // writing one there.
  static std::string baseline_path(const std::string& dir, const std::string& key_material);
  static void store_baseline(const std::string& dir, const std::string& key_material,
                             const CachedDatabase& entry);

 private:
  std::string path_;          // empty when caching is off
  std::string shipped_path_;  // empty when there is no shipped directory
};

}  // namespace strata::match_detail
