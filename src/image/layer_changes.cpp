#include "strata/image/layer_changes.hpp"

#include <string_view>

namespace strata {

std::string normalize_layer_path(std::string_view path) {
  // Drops empty and "." components; ".." is kept as it is (nothing is ever written to disk).
  std::string out;
  out.reserve(path.size());
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") {
      if (!out.empty()) out.push_back('/');
      out.append(part);
    }
    pos = slash + 1;
  }
  return out;
}

}  // namespace strata
