#include "strata/core/image_path.hpp"

namespace strata {

std::string normalize_image_path(std::string_view path, DotDot dot_dot) {
  std::string out;
  out.reserve(path.size());
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." && dot_dot == DotDot::kResolve) {
      size_t last = out.rfind('/');
      out.resize(last == std::string::npos ? 0 : last);
      continue;
    }
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

std::string shortened_path(std::string_view path) {
  constexpr size_t kKept = 100;
  if (path.size() <= 256) return std::string(path);
  return std::string(path.substr(0, kKept)) + "…(" + std::to_string(path.size()) + " bytes)…" +
         std::string(path.substr(path.size() - kKept));
}

}  // namespace strata
