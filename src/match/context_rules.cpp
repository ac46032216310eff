#include "context_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "match_engine_impl.hpp"

namespace strata::match_detail {
namespace {

// The operator forms the trigger's "[\s'"]{0,5}(?::=|=>|[:=])" covers: quotes and blanks
// (at most five), then ":=", "=>", ":" or "=". Written as the rule files spell them.
constexpr std::array<std::string_view, 4> kOperators = {
    R"([\s'"]{0,3}(?::=|=>|[:=]))",
    R"([\s'\"]{0,3}(?::=|=>|[:=]))",
    R"([\s\'"]{0,3}(?::=|=>|[:=]))",
    R"(["']?\s{0,4}(?:=>|:=|=|:))",
};

// Index just past the class that opens at p[at] ('['), or npos when it never closes.
size_t class_end(std::string_view p, size_t at) {
  size_t i = at + 1;
  if (i < p.size() && p[i] == '^') ++i;
  if (i < p.size() && p[i] == ']') ++i;  // "[]…]": a leading ] is a member
  for (; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // [:alpha:]
      size_t close = p.find(":]", i + 2);
      if (close == std::string_view::npos) return close;
      i = close + 1;
    } else if (p[i] == ']') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index just past the group that opens at p[at] ('('), or npos when it never closes.
size_t group_end(std::string_view p, size_t at) {
  int depth = 0;
  for (size_t i = at; i < p.size();) {
    if (p[i] == '\\') {
      i += 2;
      continue;
    }
    if (p[i] == '[') {
      i = class_end(p, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (p[i] == '(') ++depth;
    if (p[i] == ')' && --depth == 0) return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

// "(?i:X)" at p[at]: X and the index past the group.
std::optional<std::pair<std::string_view, size_t>> caseless_group(std::string_view p, size_t at) {
  if (p.substr(at, 4) != "(?i:") return std::nullopt;
  size_t end = group_end(p, at);
  if (end == std::string_view::npos) return std::nullopt;
  return std::pair{p.substr(at + 4, end - at - 5), end};
}

// The top-level alternatives of `p`; none when its groups or classes do not close.
std::vector<std::string_view> alternatives(std::string_view p) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < p.size();) {
    if (p[i] == '\\') {
      i += 2;
    } else if (p[i] == '(' || p[i] == '[') {
      i = p[i] == '(' ? group_end(p, i) : class_end(p, i);
      if (i == std::string_view::npos) return {};
    } else if (p[i] == '|') {
      out.push_back(p.substr(start, i - start));
      start = ++i;
    } else {
      ++i;
    }
  }
  out.push_back(p.substr(start));
  return out;
}

// The trigger's cost is its keywords' literals: common short words ("id", "pat", "auth",
// "license") occur tens of thousands of times in every 30 MB of code, against a few thousand
// for these. A rule with another keyword keeps its own expression.
constexpr std::array<std::string_view, 5> kTriggerWords = {"key", "token", "secret", "passw",
                                                           "credential"};

// Whether every top-level alternative of `keyword` holds one of kTriggerWords as plain text.
bool keywords_are_rare(std::string_view keyword) {
  std::vector<std::string_view> all = alternatives(keyword);
  return !all.empty() && std::ranges::all_of(all, [](std::string_view alternative) {
    std::string lower(alternative);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return std::ranges::any_of(
        kTriggerWords, [&](std::string_view w) { return lower.find(w) != std::string::npos; });
  });
}

// Whether regex `re` can only match identifier characters ([\w.-]): letters, digits, "_" and
// "-", escapes \w \. \- \b, classes of those, groups, alternatives and quantifiers.
bool identifier_only(std::string_view re) {
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 >= re.size() || std::string_view("w.-_b").find(re[i + 1]) == std::string_view::npos)
        return false;
      ++i;
    } else if (c == '[') {
      size_t end = class_end(re, i);
      if (end == std::string_view::npos || re[i + 1] == '^') return false;
      for (size_t k = i + 1; k + 1 < end; ++k) {
        if (re[k] == '\\') {
          if (std::string_view("w.-_").find(re[++k]) == std::string_view::npos) return false;
        } else if (!identifier_byte(re[k])) {
          return false;
        }
      }
      i = end - 1;
    } else if (c == '{') {
      auto repeat = parse_repeat(re, i);
      if (!repeat) return false;
      i += repeat->length - 1;
    } else if (c == '(' && re.substr(i, 3) == "(?:") {
      i += 2;
    } else if (c == '.' || !(identifier_byte(c) ||
                             std::string_view("()|?*+").find(c) != std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

// A run of identifier characters at p[at] ("[\w.-]{0,25}", "[_.-]?", "[\w-]{0,5}"): the most
// characters it takes and the index past it.
std::optional<std::pair<unsigned, size_t>> identifier_gap(std::string_view p, size_t at) {
  if (at >= p.size() || p[at] != '[') return std::nullopt;
  size_t end = class_end(p, at);
  if (end == std::string_view::npos || !identifier_only(p.substr(at, end - at))) {
    return std::nullopt;
  }
  if (end < p.size() && p[end] == '?') return std::pair{1u, end + 1};
  if (end >= p.size() || p[end] != '{') return std::pair{1u, end};
  auto repeat = parse_repeat(p, end);
  if (!repeat || repeat->high.empty()) return std::nullopt;  // "{n,}": no bound
  return std::pair{static_cast<unsigned>(std::stoul(repeat->high)), end + repeat->length};
}

// The head at the start of `p` and its length.
std::optional<std::pair<ContextHead, size_t>> parse_head(std::string_view p) {
  auto vendor = caseless_group(p, 0);
  if (!vendor) return std::nullopt;
  // Then identifier gaps and caseless groups (the last one the keyword), then the operator.
  // What lies between the vendor and the operator must be identifier characters: the scanner
  // looks for the vendor in the identifier before the operator.
  std::optional<std::string_view> keyword;
  unsigned gap = 0;
  size_t at = vendor->second;
  for (;;) {
    if (auto g = identifier_gap(p, at)) {
      gap += g->first;
      at = g->second;
    } else if (auto group = caseless_group(p, at)) {
      if (!identifier_only(group->first)) return std::nullopt;
      keyword = group->first;
      gap = 0;
      at = group->second;
    } else {
      break;
    }
  }
  // A vendor alone would bring its name into the trigger: those rules keep their expression.
  if (!keyword || !keywords_are_rare(*keyword)) return std::nullopt;
  for (std::string_view op : kOperators) {
    if (!p.substr(at).starts_with(op)) continue;
    ContextHead head;
    head.vendor = std::string(vendor->first);
    head.keyword = std::string(*keyword);
    head.head = std::string(p.substr(0, at + op.size()));
    head.gap = gap;
    return std::pair{std::move(head), at + op.size()};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ContextShape> context_shape(const Rule& rule) {
  // A rule's prefilter only spares Hyperscan work the second stage does not do.
  if (rule.builtin) return std::nullopt;
  std::string_view p = rule.pattern;
  if (alternatives(p).size() != 1) return std::nullopt;  // matches without a head
  if (auto head = parse_head(p)) return ContextShape{{std::move(head->first)}, ""};
  // "(?:ALTERNATIVE|…)TAIL": the alternatives that are heads take the two stages, the others
  // with the tail stay a Hyperscan expression.
  if (!p.starts_with("(?:")) return std::nullopt;
  size_t end = group_end(p, 0);
  if (end == std::string_view::npos || end == p.size()) return std::nullopt;
  if (std::string_view("?*+{").find(p[end]) != std::string_view::npos) return std::nullopt;
  ContextShape shape;
  std::string others;
  for (std::string_view alternative : alternatives(p.substr(3, end - 4))) {
    if (auto head = parse_head(alternative)) {
      shape.heads.push_back(std::move(head->first));
    } else {
      others += (others.empty() ? "" : "|") + std::string(alternative);
    }
  }
  if (shape.heads.empty()) return std::nullopt;
  if (!others.empty()) shape.rest = "(?:" + others + ")" + std::string(p.substr(end));
  return shape;
}

std::string context_trigger(const std::vector<ContextHead>& heads) {
  std::set<std::string> keywords;
  unsigned gap = 0;
  for (const ContextHead& s : heads) {
    keywords.insert(s.keyword);
    gap = std::max(gap, s.gap);
  }
  std::string out = "(?i:";
  for (const std::string& k : keywords) {
    if (out.size() > 4) out += '|';
    out += "(?:" + k + ")";
  }
  out += ")[\\w.-]{0," + std::to_string(gap) + "}[\\s'\"]{0,5}(?::=|=>|[:=])";
  return out;
}

}  // namespace strata::match_detail
