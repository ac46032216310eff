#include "store_support.hpp"

#include <chrono>

namespace strata {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<FateKind> parse_fate_name(std::string_view name) {
  for (FateKind kind : {FateKind::kPresent, FateKind::kDeleted, FateKind::kOverwritten,
                        FateKind::kHiddenByOpaque, FateKind::kNotInFilesystem}) {
    if (name == fate_name(kind)) return kind;
  }
  return std::nullopt;
}

std::string glob_to_like(std::string_view glob) {
  std::string like;
  for (char c : glob) {
    if (c == '*') {
      like += '%';
    } else if (c == '?') {
      like += '_';
    } else {
      if (c == '%' || c == '_' || c == '\\') like += '\\';
      like += c;
    }
  }
  return like;
}

std::string prefix_upper_bound(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last < 0x7f) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace strata
