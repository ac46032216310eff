// Where reports go: the main --format/--output pair and any number of --report FORMAT=PATH,
// each written atomically (atomic_file.hpp); "-" or an empty path is stdout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/report/reporters.hpp"

namespace strata::app {

inline const std::vector<std::string> kReportFormats = {"text", "json", "sarif", "gitlab"};

struct ReportRequest {
  std::string format;
  std::string path;  // empty: stdout
};

// "sarif=out.sarif" → {sarif, out.sarif}; names the flag's text when it is malformed.
Result<ReportRequest> parse_report_request(std::string_view text);

// Text to stdout gets colors when stdout is a terminal, unless `no_color` or NO_COLOR is set.
Status write_report(const ReportRequest& request, const ScanReport& report, const RuleSet& rules,
                    ReportOptions options, bool no_color);

}  // namespace strata::app
