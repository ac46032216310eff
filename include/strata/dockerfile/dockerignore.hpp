// .dockerignore matching as Docker's builder does it: one pattern per line, `#` lines are
// comments, blank lines skipped, each pattern trimmed and cleaned (`./a/../b/` is `b`) with a
// leading `/` dropped; `*` and `?` stop at `/`, `[a-z]` / `[^a]` classes, `\` escapes, `**`
// spans any number of directories (none included); a pattern excludes a path when it matches
// the path or one of its parent directories; `!pattern` re-includes, and the last pattern that
// matches decides. The file the build reads is `<Dockerfile name>.dockerignore` beside the
// Dockerfile when present, else `.dockerignore` at the context root.
//
//   auto path = find_dockerignore("Dockerfile", ".");      // optional<string>
//   auto ignore = read_dockerignore(*path);                 // Result<DockerIgnore>
//   if (ignore->excludes(".env")) ...
//
// Thread safety: a DockerIgnore is immutable after parsing. Errors: a bare `!`, an
// unterminated `[` class, or an unreadable file, each naming the file and line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

struct DockerIgnorePattern {
  std::string glob;  // cleaned, no leading '/' or '!'
  bool exception = false;
  int line = 0;
};

class DockerIgnore {
 public:
  DockerIgnore() = default;
  static Result<DockerIgnore> parse(std::string_view text);

  // `path` relative to the context root, '/'-separated ("app/.env").
  bool excludes(std::string_view path) const;
  // Whether nothing beneath directory `dir` can be sent: it is excluded and no `!` exception
  // could match a path beneath it, so a walk of the context need not descend into it. Exact:
  // excludes() is true for every path beneath a directory this prunes.
  bool prunes(std::string_view dir) const;
  const std::vector<DockerIgnorePattern>& patterns() const { return patterns_; }

 private:
  std::vector<DockerIgnorePattern> patterns_;
};

// Whether `glob` (a cleaned pattern) matches `path` exactly; false for a malformed glob.
bool dockerignore_glob_matches(std::string_view glob, std::string_view path);

// Go's path.Clean for '/'-separated paths: "." for empty; `..` above the root dropped.
std::string clean_slash_path(std::string_view path);

std::optional<std::string> find_dockerignore(const std::string& dockerfile,
                                             const std::string& context);
Result<DockerIgnore> read_dockerignore(const std::string& path);

}  // namespace strata
