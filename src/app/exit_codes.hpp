// Exit codes (README "Exit codes" is the user-facing table):
//   0  the scan completed and found nothing that counts (counts_toward_failure)
//   1  the scan completed and found at least one finding that counts
//   2  the scan was incomplete (any error, an exception on any thread included) or the command
//      line was wrong; 2 wins over 1, since an incomplete scan certifies nothing
#pragma once

#include <algorithm>

#include "strata/report/reporters.hpp"

namespace strata::app {

inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitIncomplete = 2;

// `findings_code` is --exit-code (default 1).
inline int exit_code_for(const ScanReport& report, const FailPolicy& policy = {},
                         int findings_code = kExitFindings) {
  if (!report.errors.empty()) return kExitIncomplete;
  bool any = std::any_of(report.findings.begin(), report.findings.end(),
                         [&](const Finding& f) { return counts_toward_failure(f, policy); });
  return any ? findings_code : kExitClean;
}

}  // namespace strata::app
