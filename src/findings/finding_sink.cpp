#include "strata/findings/finding_sink.hpp"

#include <utility>

namespace strata {

void ScanReportCollector::begin(const std::vector<ImageSummary>& images,
                                std::string_view rules_hash) {
  report_.images = images;
  report_.rules_hash = rules_hash;
}

Control ScanReportCollector::finding(const Finding& finding) {
  report_.findings.push_back(finding);
  return Control::kContinue;
}

void ScanReportCollector::skipped(std::string_view what) { report_.skipped.emplace_back(what); }

void ScanReportCollector::error(std::string_view message) { report_.errors.emplace_back(message); }

void ScanReportCollector::warning(std::string_view message) {
  report_.warnings.emplace_back(message);
}

void ScanReportCollector::end(const ScanStats& stats) { report_.stats = stats; }

ScanReport ScanReportCollector::take() { return std::exchange(report_, ScanReport{}); }

void replay_report(const ScanReport& report, FindingSink& sink) {
  sink.begin(report.images, report.rules_hash);
  for (const Finding& f : report.findings) {
    if (sink.finding(f) == Control::kStop) break;
  }
  for (const std::string& s : report.skipped) sink.skipped(s);
  for (const std::string& e : report.errors) sink.error(e);
  for (const std::string& w : report.warnings) sink.warning(w);
  sink.end(report.stats);
}

}  // namespace strata
