// Reporters: render a ScanReport for people (text) or machines (JSON, schema in
// docs/json-schema.md). Secrets are redacted unless `reveal` is set.
//
//   write_text_report(report, std::cout, {.reveal = false, .color = isatty(1)});
#pragma once

#include <ostream>

#include "strata/scan/image_scanner.hpp"

namespace strata {

struct ReportOptions {
  bool reveal = false;
  bool color = false;
  bool list_skipped =
      false;           // text: list what limits stopped, not only count it (JSON always lists)
  std::string target;  // what the user asked to scan
};

void write_text_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);
void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);

// Which findings count toward exit code 1 (README "Exit codes" documents this).
bool counts_toward_failure(const Finding& finding);

}  // namespace strata
