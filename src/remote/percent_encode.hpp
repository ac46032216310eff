// percent_encode: text made safe for a URL path segment or a query/form value: every byte but
// the unreserved ones (RFC 3986: letters, digits, - . _ ~) and those in `also_keep` becomes %XX.
//
//   percent_encode("a b/c") == "a%20b%2Fc"
//   percent_encode("nginx:1@sha256", ":@") == "nginx:1@sha256"
//
// Thread safety: pure function.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace strata {

inline std::string percent_encode(std::string_view text, std::string_view also_keep = "") {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        also_keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace strata
