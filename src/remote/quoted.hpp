// quoted: user-supplied text (a reference, a config key) made safe to put in a message:
// in double quotes, at most `limit` bytes, control characters shown as '?'.
//
//   fail("invalid image reference " + quoted(text) + ": …");
//
// Never for secrets: those do not go into messages at all. Thread safety: pure function.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace strata {

inline std::string quoted(std::string_view text, size_t limit = 200) {
  std::string out = "\"";
  for (char c : text.substr(0, limit)) {
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  }
  if (text.size() > limit) out += "...";
  return out + "\"";
}

}  // namespace strata
