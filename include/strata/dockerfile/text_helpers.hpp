// Small text helpers shared by the Dockerfile parser, the history reader and the shell reader:
// one definition of whitespace, trimming, collapsing, case folding and splitting into words.
// Thread safety: pure functions.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Whitespace runs -> one space, trimmed: builders keep a continuation's indentation, the
// Dockerfile author may not, and neither matters for what the instruction does.
inline std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : trim(s)) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

inline std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Quote-aware split on blanks (quotes and escapes kept in the tokens).
std::vector<std::string> split_words(std::string_view s);

}  // namespace strata
