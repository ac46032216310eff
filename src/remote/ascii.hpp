// ascii_lower: ASCII lower case, for names that compare case-insensitively (host names, HTTP
// auth schemes and parameters). Bytes outside ASCII are left alone.
//
//   ascii_lower("Bearer") == "bearer"
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace strata {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace strata
