// Where strata keeps its disk caches (compiled Hyperscan databases, parsed rule sets).
//
//   std::string dir = cache_dir();   // "" when caching is off
//
// $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata; STRATA_NO_CACHE
// set to anything but "" or "0" turns every cache off. The directory may not exist yet: a
// writer creates it. Thread safety: reads the environment only.
#pragma once

#include <string>

namespace strata {

std::string cache_dir();

}  // namespace strata
