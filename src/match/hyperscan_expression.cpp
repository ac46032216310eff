#include <optional>
#include <string>
#include <vector>

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
// compiles wide bounded repeats slowly (a PEM body of {64,8192} takes ~0.4 s; the shipped
// rules' repeats past 64 were two thirds of their compile time) and the unbounded form fast.
// The candidate pass then reports a superset of ends, and the confirm keeps the bound: match
// widths are measured on the original pattern.
constexpr unsigned long kWideRepeat = 64;

size_t wide_repeat(std::string_view p, size_t i) {
  auto r = parse_repeat(p, i);
  if (!r || !r->has_comma || r->high.empty()) return 0;
  return std::stoul(r->high) > kWideRepeat ? r->length : 0;
}

// Length of the boundary that opens many rules at expression[0] ("\\b" or "(?:^|[^…])"), or 0.
size_t leading_boundary(std::string_view p) {
  if (p.starts_with("\\b")) return 2;
  if (!p.starts_with("(?:^|[^")) return 0;
  for (size_t i = 7; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == ']') {  // the class ends here: the group must too
      return i + 1 < p.size() && p[i + 1] == ')' ? i + 2 : 0;
    }
  }
  return 0;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// 0 digit, 1 lower case, 2 upper case: a range is plain only within one kind ("0-F" also
// spans ":;<=>?@").
int alnum_kind(char c) { return c <= '9' ? 0 : c >= 'a' ? 1 : 2; }

// The distinct members of a plain class body such as "0-9a-f" (letters, digits and ranges
// within one kind of them), in order, or nothing when the body holds anything else.
std::string class_members(std::string_view body) {
  std::string out;
  auto add = [&](char c) {
    if (out.find(c) == std::string::npos) out.push_back(c);
  };
  for (size_t i = 0; i < body.size(); ++i) {
    if (!is_alnum(body[i])) return {};
    if (i + 2 < body.size() && body[i + 1] == '-') {
      char from = body[i], to = body[i + 2];
      if (!is_alnum(to) || to < from || alnum_kind(from) != alnum_kind(to)) return {};
      for (char c = from; c <= to; ++c) add(c);
      i += 2;
    } else {
      add(body[i]);
    }
  }
  return out;
}

bool is_quantifier(std::string_view rest) {
  return !rest.empty() && (rest[0] == '?' || rest[0] == '*' || rest[0] == '+' || rest[0] == '{');
}

// Whether what follows the split class can be repeated once per piece without changing what
// the expression matches. Not when it holds an alternative at the literal's level or above
// ("AC[0-9]{2}|x" split ten ways reports every x ten times), nor when the group the literal
// opens is itself repeated ("(AB[xy]{2}){2}" split two ways no longer matches "ABxyAByx").
bool tail_can_be_shared(std::string_view tail, bool in_group) {
  int level = in_group ? 1 : 0;  // the depth the literal is at; tail starts there
  int depth = level;
  bool in_class = false;
  for (size_t i = 0; i < tail.size(); ++i) {
    char c = tail[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < tail.size() && tail[i + 1] == ']') ++i;  // "[]…]": the ] is a member
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return false;  // unbalanced: leave it to the compiler's error
      if (depth < level) {            // left the literal's group: its level is now the one outside
        if (is_quantifier(tail.substr(i + 1))) return false;
        level = depth;
      }
    } else if (c == '|' && depth <= level) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Repeat> parse_repeat(std::string_view p, size_t i) {
  if (i >= p.size() || p[i] != '{') return std::nullopt;
  size_t close = p.find('}', i);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view body = p.substr(i + 1, close - i - 1);
  size_t comma = body.find(',');
  Repeat r;
  r.length = close - i + 1;
  r.has_comma = comma != std::string_view::npos;
  r.low = std::string(body.substr(0, comma));
  r.high = r.has_comma ? std::string(body.substr(comma + 1)) : r.low;
  auto digits = [](const std::string& d) {
    return d.size() <= 9 && d.find_first_not_of("0123456789") == std::string::npos;
  };
  if (r.low.empty() || !digits(r.low) || !digits(r.high)) return std::nullopt;
  return r;
}

std::string to_hyperscan_expression(std::string_view p, RepeatForm form) {
  std::string out;
  out.reserve(p.size());
  bool in_class = false;
  size_t class_start = 0;  // index of the first character after "[" or "[^"
  // The atom just written is ".", a negated class or escape ("\\S"): relaxing its repeat would let
  // one match run over nearly anything ("[^\n]{1,120}" as "[^\n]{1,}" made a rule 20 times slower).
  bool broad_atom = false;
  bool negated_class = false;
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
      broad_atom =
          i + 1 < p.size() && std::string_view("SWDN").find(p[i + 1]) != std::string_view::npos;
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
      if (c == ']' && i != class_start) {
        in_class = false;
        broad_atom = negated_class;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      ++i;
      negated_class = i < p.size() && p[i] == '^';
      if (negated_class) out.push_back(p[i++]);
      class_start = i;
      continue;
    }
    if (c == '{') {
      size_t n = form == RepeatForm::kRelaxWide && !broad_atom ? wide_repeat(p, i) : 0;
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
    broad_atom = c == '.';
    ++i;
  }
  return out;
}

}  // namespace strata

namespace strata {

std::vector<std::string> split_short_leading_literal(const std::string& expression) {
  constexpr size_t kShortLiteral = 2;
  constexpr size_t kMaxSplit = 16;
  std::string_view p = expression;
  size_t at = leading_boundary(p);
  bool in_group = at + 1 < p.size() && p[at] == '(' && p[at + 1] != '?';
  if (in_group) ++at;
  size_t literal_end = at;
  while (literal_end < p.size() && is_alnum(p[literal_end])) ++literal_end;
  size_t literal = literal_end - at;
  if (literal == 0 || literal > kShortLiteral || literal_end >= p.size() || p[literal_end] != '[') {
    return {expression};
  }
  size_t class_end = p.find(']', literal_end);
  if (class_end == std::string_view::npos) return {expression};
  std::string_view body = p.substr(literal_end + 1, class_end - literal_end - 1);
  std::string members = class_members(body);
  if (members.size() < 2 || members.size() > kMaxSplit) return {expression};

  Repeat repeat{0, "1", "1", false};  // no repeat: exactly one
  if (class_end + 1 < p.size() && p[class_end + 1] == '{') {
    auto parsed = parse_repeat(p, class_end + 1);
    if (!parsed) return {expression};
    repeat = std::move(*parsed);
  }
  unsigned long n = std::stoul(repeat.low);
  if (n == 0 || (!repeat.high.empty() && std::stoul(repeat.high) < n)) return {expression};
  // What is left of the class run once one member is spelled out.
  std::string rest_of_run;
  if (repeat.high.empty()) {
    rest_of_run = "[" + std::string(body) + "]{" + std::to_string(n - 1) + ",}";
  } else {
    unsigned long m = std::stoul(repeat.high);
    if (m > n || n > 1) {
      rest_of_run = "[" + std::string(body) + "]{" + std::to_string(n - 1) +
                    (m == n ? "" : "," + std::to_string(m - 1)) + "}";
    }
  }
  std::string_view head = p.substr(0, literal_end);
  std::string_view tail = p.substr(class_end + 1 + repeat.length);
  // "AB[xy]?" or "AB[xy]{2}?": the class is optional or lazy; "AB[xy]{2}+" is not plain either.
  if (is_quantifier(tail) || !tail_can_be_shared(tail, in_group)) return {expression};
  std::vector<std::string> out;
  for (char c : members) {
    out.push_back(std::string(head) + c + rest_of_run + std::string(tail));
  }
  return out;
}

}  // namespace strata
