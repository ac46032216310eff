#include "report_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "atomic_file.hpp"

namespace strata::app {

namespace {

void render(const std::string& format, const ScanReport& report, const RuleSet& rules,
            std::ostream& out, const ReportOptions& options) {
  if (format == "json") {
    write_json_report(report, out, options);
  } else if (format == "sarif") {
    write_sarif_report(report, rules, out, options);
  } else if (format == "gitlab") {
    write_gitlab_report(report, out, options);
  } else {
    write_text_report(report, out, options);
  }
}

// https://no-color.org: any non-empty NO_COLOR turns colors off.
bool no_color_env() {
  const char* v = std::getenv("NO_COLOR");
  return v != nullptr && *v != '\0';
}

}  // namespace

Result<ReportRequest> parse_report_request(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return fail("--report " + std::string(text) + ": expected FORMAT=PATH, e.g. sarif=out.sarif");
  }
  ReportRequest r{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
  if (std::find(kReportFormats.begin(), kReportFormats.end(), r.format) == kReportFormats.end()) {
    return fail("--report " + std::string(text) + ": unknown format " + r.format);
  }
  if (r.path == "-") r.path.clear();
  return r;
}

Status write_report(const ReportRequest& request, const ScanReport& report, const RuleSet& rules,
                    ReportOptions options, bool no_color) {
  if (request.path.empty()) {
    options.color =
        request.format == "text" && !no_color && !no_color_env() && isatty(STDOUT_FILENO);
    render(request.format, report, rules, std::cout, options);
    std::cout.flush();
    if (!std::cout) return fail("stdout: write failed");
    return {};
  }
  options.color = false;
  AtomicFile file(request.path);
  if (auto opened = file.open(); !opened) return opened;
  render(request.format, report, rules, file.stream(), options);
  return file.commit();
}

}  // namespace strata::app
