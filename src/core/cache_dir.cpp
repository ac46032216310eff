#include "strata/core/cache_dir.hpp"

#include <cstdlib>

namespace strata {

std::string cache_dir() {
  if (const char* off = std::getenv("STRATA_NO_CACHE"); off && *off && std::string(off) != "0") {
    return "";
  }
  if (const char* dir = std::getenv("STRATA_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/strata";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/strata";
  }
  return "";
}

}  // namespace strata
