// Ignore files (`.strataignore`): findings the team has triaged, each with a reason and an
// optional expiry date. A matching entry suppresses the finding (kind "ignore-file"); the
// finding stays in the reports and does not count toward the exit code. An expired entry
// stops suppressing and warns; an entry that matched nothing warns that it is stale.
//
// Two forms, told apart by the first line that is not blank or a comment (YAML when it starts
// with "- " or "ignore:"):
//
//   # line form: selectors, then the reason after '#'
//   0123456789abcdef0123456789abcdef  expires=2026-12-31  # rotated, old image only
//   rule=generic.* path=usr/share/doc/**                   # documentation examples
//
//   # YAML form
//   - fingerprint: 0123456789abcdef0123456789abcdef
//     reason: rotated, old image only
//     expires: 2026-12-31
//   - {rule: "generic.*", path: "usr/share/doc/**", reason: documentation examples}
//
// An entry matches a finding when every selector it has matches: `fingerprint` equals the
// finding's, `rule` (a glob: * and ?) matches its rule id, and `path` (a glob: * and ? stop at
// '/', ** crosses it; a pattern without '/' matches the last path component; a trailing '/'
// means everything below) matches the path of EVERY location, so a finding also seen in the
// image config or outside the pattern stays reported. `expires` is the last day it suppresses.
//
//   auto file = IgnoreFile::load(".strataignore");     // Result: errors name file:line
//   IgnoreOutcome o = apply_ignore_file(*file, report.findings, today_utc());
//   report.warnings.insert(report.warnings.end(), o.warnings.begin(), o.warnings.end());
//
// Thread safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

inline constexpr const char* kDefaultIgnoreFileName = ".strataignore";

struct IgnoreEntry {
  int line = 0;             // 1-based line of the entry in its file
  std::string fingerprint;  // a finding fingerprint; empty: any
  std::string rule;         // rule id glob; empty: any
  std::string path;         // location path glob; empty: any
  std::string reason;
  std::optional<std::chrono::year_month_day> expires;  // the last day it suppresses
};

struct IgnoreFile {
  std::string path;  // for messages
  std::vector<IgnoreEntry> entries;

  static constexpr size_t kMaxEntries = 10'000;

  // At most 4 MiB and kMaxEntries entries. Errors name the file, the line and what is wrong.
  [[nodiscard]] static Result<IgnoreFile> load(const std::string& path);
  [[nodiscard]] static Result<IgnoreFile> parse(std::string_view text, const std::string& path);
};

struct IgnoreOutcome {
  size_t suppressed = 0;
  std::vector<std::string> warnings;  // expired and stale entries, "file:line: …"
};

// Suppresses the findings that a live entry matches (findings already suppressed keep their
// suppression). `today` decides expiry; pass today_utc() outside tests.
IgnoreOutcome apply_ignore_file(const IgnoreFile& file, std::vector<Finding>& findings,
                                std::chrono::year_month_day today);

std::chrono::year_month_day today_utc();
std::string format_date(std::chrono::year_month_day date);  // "2026-12-31"

// A glob as described above, compiled once: apply_ignore_file matches every entry against
// every finding and location. Matching is a dynamic program over (token, text position):
// at most (tokens + 1) x (text size + 1) steps, never backtracking; runs of '*' are one token.
class Glob {
 public:
  static Glob rule(std::string_view pattern);  // rule ids: * (anything) and ?
  static Glob path(std::string_view pattern);  // paths: *, ?, **, **/, trailing '/'
  // `steps`, when given, receives how many cells the matcher visited (a bound tests check).
  bool matches(std::string_view text, size_t* steps = nullptr) const;

 private:
  enum class Op : unsigned char { kChar, kOne, kStar, kDeep, kDirs };  // c ? * ** **/
  struct Token {
    Op op;
    char c = 0;
  };
  static std::vector<Token> tokenize(std::string_view pattern, bool paths);

  std::vector<Token> tokens_;
  bool paths_ = false;
  bool last_component_ = false;  // a path pattern without '/': matches the last component
};

// One-off matches (compile, then match).
bool rule_glob_match(std::string_view pattern, std::string_view rule_id);
bool path_glob_match(std::string_view pattern, std::string_view path);

}  // namespace strata
