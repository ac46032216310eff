#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::string current;
  char quote = 0;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      current += c;
      if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        current += s[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    current += c;
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '\\' && i + 1 < s.size()) {
      current += s[++i];
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

}  // namespace strata
