// A disk cache of parsed rule sets: yaml-cpp takes ~30 ms of every scan's start to parse the
// shipped catalogue; reading the same rules back from a flat binary file takes about a
// millisecond. An entry is keyed by every rule file's path and bytes (and the build of this
// code), written atomically (temp file + rename, so concurrent writers are safe) and checked
// with a SHA-256 of its bytes, so a corrupt entry is re-parsed and rewritten, never trusted.
// Only rule sets that loaded without error are stored: errors are always reported by parsing.
//
// Directory: cache_dir() (strata/core/cache_dir.hpp), then the read-only shipped_cache_dir()
// (`strata rules compile` writes there); STRATA_NO_CACHE=1 turns both off. A cache that cannot
// be read or written is silently skipped: it only ever costs the parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/rules/rule.hpp"

namespace strata::rules_detail {

// Every field of every rule, in order; deserialize_rules gives back an equal RuleSet, or
// nothing when the bytes are truncated or inconsistent.
std::string serialize_rules(const RuleSet& set);
std::optional<RuleSet> deserialize_rules(std::string_view bytes);

class RuleCache {
 public:
  // `parser_build`: the parser's __DATE__ " " __TIME__, so a rebuilt parser never reads
  // entries parsed by an older one (see rule_cache.cpp).
  // `files`: each rule file's path (as named on the command line or found in a directory)
  // and bytes, in load order.
  using FileBytes = std::pair<std::string_view, std::string_view>;
  RuleCache(const std::vector<FileBytes>& files, std::string_view parser_build);
  std::optional<RuleSet> load() const;   // the user's cached set, else the shipped one, or nothing
  void store(const RuleSet& set) const;  // into the user's cache
  void store_shipped(const RuleSet& set, const std::string& dir) const;  // world-readable
  const std::string& path() const { return path_; }  // empty when caching is off

 private:
  std::string entry_path(const std::string& dir) const;
  std::optional<RuleSet> load_from(const std::string& path) const;

  std::string key_;  // 64 hex
  std::string path_;
  std::string shipped_path_;
};

}  // namespace strata::rules_detail
