// The default path allowlist: places where a *generic* rule's match (a keyword like password=
// next to a value) is almost always code, documentation or a translation, not a leak —
// translations, source maps, type declarations, docs, tests, installed packages. Provider
// rules (distinctive token formats) are never allowlisted, so real tokens there are still
// found. A finding whose every location is allowlisted is kept but suppressed (visible with
// --show-suppressed and in JSON); --no-default-allowlist turns the list off.
//
//   if (auto pattern = default_allowlist_match("usr/share/locale/de/LC_MESSAGES/x.mo")) …
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata {

// The allowlist entry a layer path matches ("*.mo", "node_modules/"), or nullopt.
std::optional<std::string> default_allowlist_match(std::string_view path);

}  // namespace strata
