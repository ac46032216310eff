// Glob matching for ignore-file entries: a dynamic program over (pattern token, text
// position), linear in pattern length times text length, so no pattern can backtrack
// exponentially.
#include <vector>

#include "strata/findings/ignore_file.hpp"

namespace strata {
namespace {

enum class Op { kChar, kOne, kStar, kDeep, kDirs };  // c, ?, *, **, **/

struct Token {
  Op op;
  char c = 0;
};

std::vector<Token> tokenize(std::string_view pattern, bool paths) {
  std::vector<Token> out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '?') {
      out.push_back({Op::kOne});
    } else if (c == '*') {
      bool deep = paths && i + 1 < pattern.size() && pattern[i + 1] == '*';
      if (!deep) {
        out.push_back({paths ? Op::kStar : Op::kDeep});
        continue;
      }
      while (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == '/') {
        ++i;
        out.push_back({Op::kDirs});
      } else {
        out.push_back({Op::kDeep});
      }
    } else {
      out.push_back({Op::kChar, c});
    }
  }
  return out;
}

// The tokens of a whole pattern against the whole text.
bool match_tokens(const std::vector<Token>& tokens, std::string_view text) {
  const size_t n = text.size();
  std::vector<char> prev(n + 1, 0), next(n + 1, 0);
  prev[0] = 1;
  for (const Token& t : tokens) {
    std::fill(next.begin(), next.end(), 0);
    bool any_before = false;  // some prev[k] with k < j (for **/)
    for (size_t j = 0; j <= n; ++j) {
      switch (t.op) {
        case Op::kChar:
          if (j > 0 && prev[j - 1] && text[j - 1] == t.c) next[j] = 1;
          break;
        case Op::kOne:
          if (j > 0 && prev[j - 1] && text[j - 1] != '/') next[j] = 1;
          break;
        case Op::kStar:
          next[j] = prev[j] || (j > 0 && next[j - 1] && text[j - 1] != '/');
          break;
        case Op::kDeep:
          next[j] = prev[j] || (j > 0 && next[j - 1]);
          break;
        case Op::kDirs:
          // Zero directories, or any text that ends with '/'.
          next[j] = prev[j] || (j > 0 && text[j - 1] == '/' && any_before);
          break;
      }
      if (prev[j]) any_before = true;
    }
    std::swap(prev, next);
  }
  return prev[n] != 0;
}

std::string_view strip_leading(std::string_view s) {
  while (s.starts_with("./")) s.remove_prefix(2);
  while (s.starts_with('/')) s.remove_prefix(1);
  return s;
}

}  // namespace

bool rule_glob_match(std::string_view pattern, std::string_view rule_id) {
  return match_tokens(tokenize(pattern, false), rule_id);
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
  pattern = strip_leading(pattern);
  path = strip_leading(path);
  std::string full(pattern);
  if (full.ends_with('/')) full += "**";  // a directory: everything below it
  if (full.find('/') == std::string::npos) {
    // No directory part: match the last component, wherever it is.
    auto slash = path.rfind('/');
    if (slash != std::string_view::npos) path = path.substr(slash + 1);
  }
  return match_tokens(tokenize(full, true), path);
}

}  // namespace strata
