// Reporters: render a ScanReport for people (text) or machines (JSON, schema in
// docs/json-schema.md). Secrets are redacted unless `reveal` is set.
//
//   write_text_report(report, std::cout, {.reveal = false, .color = isatty(1)});
#pragma once

#include <ostream>

#include "strata/rules/rule.hpp"
#include "strata/scan/image_scanner.hpp"

namespace strata {

struct ReportOptions {
  bool reveal = false;
  bool color = false;
  // Text only (JSON always has both): list what limits stopped, not only count it; print
  // suppressed findings too.
  bool list_skipped = false;
  bool show_suppressed = false;
  std::string target;  // what the user asked to scan
};

void write_text_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);
void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);
// SARIF 2.1.0 (docs/sarif.md); `rules` gives each reported rule's description and categories.
void write_sarif_report(const ScanReport& report, const RuleSet& rules, std::ostream& out,
                        const ReportOptions& options);

// Which findings count toward exit code 1 (README "Exit codes" documents this).
bool counts_toward_failure(const Finding& finding);

}  // namespace strata
