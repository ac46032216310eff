#include "whiteout.hpp"

namespace strata {

Whiteout classify_whiteout(std::string_view path) {
  constexpr std::string_view kPrefix = ".wh.";
  constexpr std::string_view kMetaPrefix = ".wh..wh.";
  constexpr std::string_view kOpaque = ".wh..wh..opq";

  auto slash = path.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? "" : path.substr(0, slash);
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!base.starts_with(kPrefix)) return {};
  if (base == kOpaque) return {WhiteoutKind::kOpaque, std::string(dir)};
  if (base.starts_with(kMetaPrefix)) return {WhiteoutKind::kMetadata, {}};
  std::string_view name = base.substr(kPrefix.size());
  if (name.empty()) return {};  // a file literally named ".wh."
  std::string target = dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name);
  return {WhiteoutKind::kWhiteout, std::move(target)};
}

}  // namespace strata
