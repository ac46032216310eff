#include "strata/findings/path_allowlist.hpp"

#include <array>

namespace strata {

namespace {

// File name endings.
constexpr std::array<std::string_view, 6> kSuffixes = {".mo", ".map", ".d.ts",
                                                       ".md", ".rst", ".html"};
// Directory names anywhere in the path (matched as whole path segments).
constexpr std::array<std::string_view, 16> kDirectories = {
    "node_modules", "site-packages", "dist-packages", "locale", "doc",   "docs",
    "man",          "info",          "lintian",       "test",   "tests", "__tests__",
    "testdata",     "fixtures",      "examples",      "spec"};

bool has_segment(std::string_view path, std::string_view dir) {
  for (size_t at = path.find(dir); at != std::string_view::npos; at = path.find(dir, at + 1)) {
    bool starts = at == 0 || path[at - 1] == '/';
    bool ends = at + dir.size() < path.size() && path[at + dir.size()] == '/';
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> default_allowlist_match(std::string_view path) {
  // Nested paths ("a.jar!/x") are judged by the whole path, archive included.
  for (std::string_view suffix : kSuffixes) {
    if (path.ends_with(suffix)) return "*" + std::string(suffix);
  }
  for (std::string_view dir : kDirectories) {
    if (has_segment(path, dir)) return std::string(dir) + "/";
  }
  return std::nullopt;
}

}  // namespace strata
