// Glob matching for ignore-file entries: a dynamic program over (pattern token, text
// position), linear in pattern length times text length, so no pattern can backtrack
// exponentially.
#include <algorithm>
#include <vector>

#include "strata/core/image_path.hpp"
#include "strata/findings/ignore_file.hpp"

namespace strata {

std::vector<Glob::Token> Glob::tokenize(std::string_view pattern, bool paths) {
  std::vector<Token> out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '?') {
      out.push_back({Op::kOne});
    } else if (c == '*') {
      bool deep = paths && i + 1 < pattern.size() && pattern[i + 1] == '*';
      if (!deep) {
        Op op = paths ? Op::kStar : Op::kDeep;
        // "**" of a rule glob is one "*": adding it again only adds steps.
        if (out.empty() || out.back().op != op) out.push_back({op});
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

Glob Glob::rule(std::string_view pattern) {
  Glob g;
  g.tokens_ = tokenize(pattern, false);
  return g;
}

Glob Glob::path(std::string_view pattern) {
  std::string full = normalize_image_path(pattern);
  if (!full.empty() && pattern.ends_with('/')) full += "/**";  // a directory: everything below it
  Glob g;
  g.paths_ = true;
  g.last_component_ = full.find('/') == std::string::npos;
  g.tokens_ = tokenize(full, true);
  return g;
}

bool Glob::matches(std::string_view text, size_t* steps) const {
  std::string normalized;
  if (paths_) {
    normalized = normalize_image_path(text);
    text = normalized;
    if (last_component_) {
      // No directory part: match the last component, wherever it is.
      auto slash = text.rfind('/');
      if (slash != std::string_view::npos) text = text.substr(slash + 1);
    }
  }
  const size_t n = text.size();
  std::vector<char> prev(n + 1, 0), next(n + 1, 0);
  prev[0] = 1;
  size_t visited = 0;
  for (const Token& t : tokens_) {
    std::fill(next.begin(), next.end(), 0);
    bool any_before = false;  // some prev[k] with k < j (for **/)
    bool any = false;
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
      if (next[j]) any = true;
    }
    visited += n + 1;
    std::swap(prev, next);
    if (!any) break;  // no prefix of the text matches: neither will the rest
  }
  if (steps) *steps = visited;
  return prev[n] != 0;
}

bool rule_glob_match(std::string_view pattern, std::string_view rule_id) {
  return Glob::rule(pattern).matches(rule_id);
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
  return Glob::path(pattern).matches(path);
}

}  // namespace strata
