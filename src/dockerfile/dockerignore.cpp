#include "strata/dockerfile/dockerignore.hpp"

#include <algorithm>
#include <cstdint>
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

// A glob against a path, as a search over (glob position, path position) pairs with each
// pair's answer remembered: no pattern (`*a*a*a*a*b` against a long name) takes more than
// glob length x path length steps. `*` and `?` stop at '/'; `**` followed by '/' spans whole
// directories (none included), otherwise any text. In `beneath` mode the question is whether
// some path that starts with `path` (a directory and '/') could match: the glob consumes all
// of it and has something left (errs towards yes: `**`).
class GlobSearch {
 public:
  GlobSearch(std::string_view glob, std::string_view path, bool beneath)
      : glob_(glob),
        path_(path),
        beneath_(beneath),
        memo_((glob.size() + 1) * (path.size() + 1), kUnknown) {}

  bool run() { return at(0, 0); }

 private:
  static constexpr int8_t kUnknown = -1;

  bool at(size_t i, size_t p) {
    int8_t& known = memo_[i * (path_.size() + 1) + p];
    if (known == kUnknown) known = step(i, p) ? 1 : 0;
    return known == 1;
  }

  bool step(size_t i, size_t p) {
    if (i == glob_.size()) return !beneath_ && p == path_.size();
    if (beneath_ && p == path_.size()) return true;
    if (glob_.substr(i).starts_with("**")) return beneath_ || double_star(i + 2, p);
    if (glob_[i] == '*') {
      for (size_t k = p; k <= path_.size(); ++k) {
        if (at(i + 1, k)) return true;
        if (k < path_.size() && path_[k] == '/') break;
      }
      return false;
    }
    if (p >= path_.size()) return false;
    if (glob_[i] == '?') return path_[p] != '/' && at(i + 1, p + 1);
    if (glob_[i] == '[') {
      size_t j = i + 1;
      auto in_class = path_[p] != '/' ? match_class(glob_, j, path_[p]) : std::optional(false);
      return in_class.value_or(false) && at(j, p + 1);
    }
    char g = glob_[i];
    size_t next = i + 1;
    if (g == '\\' && i + 1 < glob_.size()) {
      g = glob_[i + 1];
      next = i + 2;
    }
    return path_[p] == g && at(next, p + 1);
  }

  // `**` before glob position `rest`: with '/' next, any number of whole directories.
  bool double_star(size_t rest, size_t p) {
    if (rest < glob_.size() && glob_[rest] == '/') {
      if (at(rest + 1, p)) return true;
      for (size_t k = p; k < path_.size(); ++k) {
        if (path_[k] == '/' && at(rest + 1, k + 1)) return true;
      }
      return false;
    }
    for (size_t k = p; k <= path_.size(); ++k) {
      if (at(rest, k)) return true;
    }
    return false;
  }

  std::string_view glob_;
  std::string_view path_;
  bool beneath_;
  std::vector<int8_t> memo_;
};

bool match_from(std::string_view glob, std::string_view path) {
  return GlobSearch(glob, path, false).run();
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

// Whether a path that starts with `prefix` (a directory path and '/') could match `glob`.
bool could_match_beneath(std::string_view glob, std::string_view prefix) {
  return GlobSearch(glob, prefix, true).run();
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
