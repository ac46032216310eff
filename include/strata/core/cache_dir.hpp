// Where strata keeps its disk caches (compiled Hyperscan databases, parsed rule sets).
//
//   std::string dir = cache_dir();   // "" when caching is off
//
// $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata; STRATA_NO_CACHE
// set to anything but "" or "0" turns every cache off. The directory may not exist yet: a
// writer creates it. Thread safety: reads the environment only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

std::string cache_dir();

// The read-only directory of compiled rule databases that ship with the binary (the build
// writes them into `compiled-rules/` beside it; `strata rules compile DIR` writes one), read
// when the user's cache misses, so a fresh machine or container starts without compiling:
// $STRATA_COMPILED_RULES_DIR, else `compiled-rules` beside the running executable. "" when
// caching is off (STRATA_NO_CACHE), so a cold compile can still be measured.
std::string shipped_cache_dir();

// A cache entry's file: `magic`, the payload's SHA-256 in hex, a newline, the payload. Written
// to a temporary file then renamed into place (concurrent writers are safe; the directory is
// created), and checked when read: a missing, foreign or corrupt file reads as nothing. A
// cache that cannot be written is skipped silently: it only ever costs the work it saves.
//
// The directory stays bounded: entries are named `<kind>-<key>.<ext>` ("hs-…", "rules-…"), a
// read touches its entry, and after a write only the kCacheEntriesPerKind most recently used
// entries of the written kind are kept; temporary files that a killed writer left behind go
// once they are kStaleTemporaryMinutes old.
inline constexpr size_t kCacheEntriesPerKind = 8;
inline constexpr int kStaleTemporaryMinutes = 10;
void write_cache_file(const std::string& path, std::string_view magic, std::string_view payload);
std::optional<std::string> read_cache_file(const std::string& path, std::string_view magic);

}  // namespace strata
