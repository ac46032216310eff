#include <string>

#include "match_engine_impl.hpp"

namespace strata {
namespace {

// Length of a named-group opener at pattern[i] ("(?P<name>", "(?<name>", "(?'name'"), or 0.
size_t named_group_opener(std::string_view p, size_t i) {
  std::string_view rest = p.substr(i);
  size_t name_at = 0;
  char close = '>';
  if (rest.starts_with("(?P<")) {
    name_at = 4;
  } else if (rest.starts_with("(?<") && rest.size() > 3 && rest[3] != '=' && rest[3] != '!') {
    name_at = 3;
  } else if (rest.starts_with("(?'")) {
    name_at = 3;
    close = '\'';
  } else {
    return 0;
  }
  size_t end = rest.find(close, name_at);
  return end == std::string_view::npos ? 0 : end + 1;
}

// Length of a "{m,n}" repeat at pattern[i] whose n is past kWideRepeat, or 0. Hyperscan
// compiles wide bounded repeats slowly (a PEM body of {64,8192} takes ~0.4 s) and the
// unbounded form fast; match widths are measured on the original pattern.
constexpr unsigned long kWideRepeat = 1024;

size_t wide_repeat(std::string_view p, size_t i) {
  size_t close = p.find('}', i);
  size_t comma = p.find(',', i);
  if (close == std::string_view::npos || comma == std::string_view::npos || comma > close) {
    return 0;
  }
  std::string_view low = p.substr(i + 1, comma - i - 1);
  std::string_view high = p.substr(comma + 1, close - comma - 1);
  auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(low) || !digits(high) || high.size() > 9) return 0;
  return std::stoul(std::string(high)) > kWideRepeat ? close - i + 1 : 0;
}

}  // namespace

std::string to_hyperscan_expression(std::string_view p, RepeatForm form) {
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  size_t class_start = 0;  // index of the first character after "[" or "[^"
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && p[i + 1] == 'Q') {  // \Q…\E is literal text
        size_t end = p.find("\\E", i + 2);
        size_t stop = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop;
        continue;
      }
      out.append(p.substr(i, 2));
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // [:alpha:]
        size_t end = p.find(":]", i + 2);
        size_t stop = end == std::string_view::npos ? i + 1 : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop;
        continue;
      }
      if (c == ']' && i != class_start) in_class = false;
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      ++i;
      if (i < p.size() && p[i] == '^') out.push_back(p[i++]);
      class_start = i;
      continue;
    }
    if (c == '{') {
      size_t n = form == RepeatForm::kRelaxWide ? wide_repeat(p, i) : 0;
      if (n > 0) {
        // "{64,8192}" -> "{64,}": the candidate pass may over-report, PCRE2 keeps the bound.
        out.append(p.substr(i, p.find(',', i) + 1 - i)).push_back('}');
        i += n;
        continue;
      }
    }
    if (c == '(') {
      if (size_t n = named_group_opener(p, i); n > 0) {
        out.push_back('(');
        i += n;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace strata
