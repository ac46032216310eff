// ScanProblems: what kept one file from being scanned completely, worded as
// FileScanner::problems reports it. Failures are rare and recorded only when they happen, so
// a file scanned without trouble costs nothing here.
//
//   problems.unscanned(offset, "Hyperscan stream scan failed (out of memory)");
//   problems.unconfirmed(rule, PCRE2_ERROR_MATCHLIMIT, candidate_end);
//   std::vector<std::string> why = problems.take(rules);  // and empty for the next file
//
// Thread safety: one per FileScanner. Errors: none (it records them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "handles.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

class ScanProblems {
 public:
  // Bytes from `offset` to the end of the file were not scanned, because of `why`. A file
  // keeps only its first such note: the bytes after it were not scanned either.
  void unscanned(uint64_t offset, std::string_view why);
  // Matches ending at `end`, the end of the data, were not checked, because of `why`.
  void end_not_checked(uint64_t end, std::string_view why);
  // PCRE2 returned `code` (a match or depth limit, out of memory) for a candidate of `rule`
  // ending at `end`: a possible secret neither confirmed nor refuted. Counted per rule and code.
  void unconfirmed(uint32_t rule, int code, uint64_t end);

  // The file's problems, one line each (rules named by their id in `rules`); leaves this
  // empty for the next file.
  std::vector<std::string> take(const RuleSet& rules);
  void clear();

 private:
  struct Unconfirmed {
    uint32_t rule = 0;
    int code = 0;
    uint64_t count = 0;
    uint64_t first_end = 0;
  };

  std::vector<std::string> lines_;
  std::vector<Unconfirmed> unconfirmed_;
  bool unscanned_ = false;
};

std::string hyperscan_error_text(hs_error_t rc);

}  // namespace strata
