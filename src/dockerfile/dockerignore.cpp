#include "strata/dockerfile/dockerignore.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

// A `[...]` class at glob[i] (just past '['): whether `c` is in it; `i` moves past ']'.
// nullopt when the class is unterminated.
std::optional<bool> match_class(std::string_view glob, size_t& i, char c) {
  bool negated = i < glob.size() && glob[i] == '^';
  if (negated) ++i;
  bool matched = false;
  bool first = true;
  while (i < glob.size() && (first || glob[i] != ']')) {
    first = false;
    char lo = glob[i] == '\\' && i + 1 < glob.size() ? glob[++i] : glob[i];
    ++i;
    char hi = lo;
    if (i + 1 < glob.size() && glob[i] == '-' && glob[i + 1] != ']') {
      hi = glob[i + 1] == '\\' && i + 2 < glob.size() ? glob[i + 2] : glob[i + 1];
      i += glob[i + 1] == '\\' ? 3 : 2;
    }
    if (lo <= c && c <= hi) matched = true;
  }
  if (i >= glob.size()) return std::nullopt;
  ++i;  // ']'
  return matched != negated;
}

bool match_from(std::string_view glob, std::string_view path);

// `**` at the start of `glob` (already removed): followed by '/', any number of whole
// directories (none included); otherwise any text, '/' included.
bool match_double_star(std::string_view rest, std::string_view path) {
  if (rest.starts_with('/')) {
    rest.remove_prefix(1);
    if (match_from(rest, path)) return true;
    for (size_t k = 0; k < path.size(); ++k) {
      if (path[k] == '/' && match_from(rest, path.substr(k + 1))) return true;
    }
    return false;
  }
  for (size_t k = 0; k <= path.size(); ++k) {
    if (match_from(rest, path.substr(k))) return true;
  }
  return false;
}

bool match_from(std::string_view glob, std::string_view path) {
  size_t i = 0;
  size_t p = 0;
  while (i < glob.size()) {
    char g = glob[i];
    if (g == '*' && glob.substr(i).starts_with("**"))
      return match_double_star(glob.substr(i + 2), path.substr(p));
    if (g == '*') {
      std::string_view rest = glob.substr(i + 1);
      for (size_t k = p; k <= path.size(); ++k) {
        if (match_from(rest, path.substr(k))) return true;
        if (k < path.size() && path[k] == '/') break;
      }
      return false;
    }
    if (p >= path.size()) return false;
    if (g == '?') {
      if (path[p] == '/') return false;
    } else if (g == '[') {
      ++i;
      auto in_class = path[p] != '/' ? match_class(glob, i, path[p]) : std::optional(false);
      if (!in_class || !*in_class) return false;
      ++p;
      continue;
    } else {
      if (g == '\\' && i + 1 < glob.size()) g = glob[++i];
      if (path[p] != g) return false;
    }
    ++i;
    ++p;
  }
  return p == path.size();
}

// Whether every `[` class of the glob is closed (Docker refuses the file otherwise).
bool classes_closed(std::string_view glob) {
  for (size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      ++i;
    } else if (glob[i] == '[') {
      ++i;
      if (!match_class(glob, i, 'a')) return false;
      --i;
    }
  }
  return true;
}

// The path itself or one of its parent directories: `node_modules` excludes everything in it.
bool matches_path_or_parent(std::string_view glob, std::string_view path) {
  for (;;) {
    if (match_from(glob, path)) return true;
    size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return false;
    path = path.substr(0, slash);
  }
}

// Whether a path that starts with `prefix` (a directory path and '/') could match `glob`:
// the glob consumes the whole prefix and still has something to match past it. Errs towards
// yes (`**`, any class), never towards no.
bool could_match_beneath(std::string_view glob, std::string_view prefix) {
  size_t i = 0;
  size_t p = 0;
  while (i < glob.size()) {
    if (p == prefix.size()) return true;
    char g = glob[i];
    if (g == '*' && glob.substr(i).starts_with("**")) return true;
    if (g == '*') {
      for (size_t k = p; k < prefix.size(); ++k) {
        if (could_match_beneath(glob.substr(i + 1), prefix.substr(k))) return true;
        if (prefix[k] == '/') break;
      }
      return false;
    }
    if (g == '?' || g == '[') {
      if (prefix[p] == '/') return false;
      if (g == '[') {
        ++i;
        if (!match_class(glob, i, prefix[p]).value_or(false)) return false;
        ++p;
        continue;
      }
    } else {
      if (g == '\\' && i + 1 < glob.size()) g = glob[++i];
      if (prefix[p] != g) return false;
    }
    ++i;
    ++p;
  }
  return false;  // the glob ends inside the prefix: it matches the directory or a parent
}

}  // namespace

std::string clean_slash_path(std::string_view path) {
  bool rooted = path.starts_with('/');
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = std::min(path.find('/', pos), path.size());
    std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = end + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

bool dockerignore_glob_matches(std::string_view glob, std::string_view path) {
  return match_from(glob, path);
}

Result<DockerIgnore> DockerIgnore::parse(std::string_view text) {
  DockerIgnore out;
  std::istringstream lines{std::string(text)};
  std::string raw;
  for (int line = 1; std::getline(lines, raw); ++line) {
    if (raw.starts_with('#')) continue;
    std::string_view t = trim(raw);
    if (t.empty()) continue;
    DockerIgnorePattern p;
    p.line = line;
    if (t.front() == '!') {
      p.exception = true;
      t = trim(t.substr(1));
      if (t.empty()) return fail("line " + std::to_string(line) + ": '!' without a pattern");
    }
    p.glob = clean_slash_path(t);
    if (p.glob.starts_with('/')) p.glob = p.glob == "/" ? "." : p.glob.substr(1);
    if (!classes_closed(p.glob)) {
      return fail("line " + std::to_string(line) + ": unterminated [ class in " + p.glob);
    }
    out.patterns_.push_back(std::move(p));
  }
  return out;
}

bool DockerIgnore::excludes(std::string_view path) const {
  std::string cleaned = clean_slash_path(path);
  bool excluded = false;
  for (const DockerIgnorePattern& p : patterns_) {
    if (excluded != p.exception) continue;  // only a pattern that would change the answer
    bool matched = matches_path_or_parent(p.glob, cleaned);
    if (matched) excluded = !p.exception;
  }
  return excluded;
}

bool DockerIgnore::prunes(std::string_view dir) const {
  if (!excludes(dir)) return false;
  // Any exception that could match beneath `dir` may re-include a path there (it would be
  // enough to look at the exceptions after the exclusion that decides for `dir`).
  std::string prefix = clean_slash_path(dir) + "/";
  return std::ranges::none_of(patterns_, [&](const DockerIgnorePattern& p) {
    return p.exception && could_match_beneath(p.glob, prefix);
  });
}

std::optional<std::string> find_dockerignore(const std::string& dockerfile,
                                             const std::string& context) {
  std::error_code ec;
  std::string beside = dockerfile + ".dockerignore";
  if (std::filesystem::is_regular_file(beside, ec)) return beside;
  std::string at_root = (std::filesystem::path(context) / ".dockerignore").string();
  if (std::filesystem::is_regular_file(at_root, ec)) return at_root;
  return std::nullopt;
}

Result<DockerIgnore> read_dockerignore(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  auto parsed = DockerIgnore::parse(text.str());
  if (!parsed) return fail(parsed.error().with_context(path));
  return parsed;
}

}  // namespace strata
