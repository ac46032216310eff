// Reporters: render a ScanReport for people (text) or machines (JSON, schema in
// docs/json-schema.md). Secrets are redacted unless `reveal` is set.
//
//   write_text_report(report, std::cout, {.reveal = false, .color = isatty(1)});
#pragma once

#include <chrono>
#include <ostream>

#include "strata/findings/scan_report.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

// Which findings fail a CI gate: --fail-on SEVERITY and --fail-on-fate present|any.
struct FailPolicy {
  Severity min_severity = Severity::kInfo;  // default: any severity
  // Only secrets still in the image as it runs: a file present in the final filesystem, or a
  // config value (ENV, labels, history). Default false: a deleted file is still extractable.
  bool present_only = false;
  // --ignore-base: findings whose every location came with the base image do not fail.
  bool ignore_base = false;
};

struct ReportOptions {
  bool reveal = false;
  bool color = false;
  // Text only (JSON always has both): list what limits stopped, not only count it; print
  // suppressed findings too.
  bool list_skipped = false;
  bool show_suppressed = false;
  FailPolicy fail_policy;
  std::string target;  // what the user asked to scan
  // --dockerfile, relative to the current directory: SARIF points config locations at it,
  // at their Location::dockerfile_line ("" without --dockerfile).
  std::string dockerfile;
};

void write_text_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);
void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options);
// SARIF 2.1.0 (docs/sarif.md); `rules` gives each reported rule's description and categories.
void write_sarif_report(const ScanReport& report, const RuleSet& rules, std::ostream& out,
                        const ReportOptions& options);

// GitLab's secret-detection report (schema 15.0.x, docs/gitlab.md) for
// `artifacts: reports: secret_detection`. One vulnerability per finding that is not suppressed
// (GitLab has no suppressed state); the secret itself only with `reveal`. `finished` is the
// scan's end time (scan.end_time; start_time is that minus stats.seconds).
void write_gitlab_report(
    const ScanReport& report, std::ostream& out, const ReportOptions& options,
    std::chrono::system_clock::time_point finished = std::chrono::system_clock::now());

// Which findings count toward the findings exit code (README "Exit codes" documents this):
// not suppressed, at or above the policy's severity, and with the fate it asks for.
bool counts_toward_failure(const Finding& finding, const FailPolicy& policy = {});

}  // namespace strata
