#include "triage_files.hpp"

#include <filesystem>

#include "config_file.hpp"

namespace strata::app {

Result<TriageFiles> load_triage_files(const std::string& baseline_flag,
                                      const std::string& ignore_flag,
                                      const std::optional<std::string>& config_path) {
  auto config = load_config(config_path);
  if (!config) return fail(config.error());
  TriageFiles files;
  std::string baseline = baseline_flag.empty() ? config->baseline : baseline_flag;
  if (!baseline.empty()) {
    auto loaded = Baseline::load(baseline);
    if (!loaded) return fail(loaded.error());
    files.baseline = std::move(*loaded);
  }
  std::string ignore = ignore_flag.empty() ? config->ignore_file : ignore_flag;
  std::error_code ec;
  if (ignore.empty() && std::filesystem::is_regular_file(kDefaultIgnoreFileName, ec)) {
    ignore = kDefaultIgnoreFileName;
  }
  if (!ignore.empty()) {
    auto loaded = IgnoreFile::load(ignore);
    if (!loaded) return fail(loaded.error());
    files.ignore = std::move(*loaded);
  }
  return files;
}

void apply_triage_files(const TriageFiles& files, ScanReport& report,
                        std::chrono::year_month_day today) {
  if (files.ignore) {
    IgnoreOutcome outcome = apply_ignore_file(*files.ignore, report.findings, today);
    report.warnings.insert(report.warnings.end(), outcome.warnings.begin(), outcome.warnings.end());
  }
  if (files.baseline) apply_baseline(*files.baseline, report.findings);
}

}  // namespace strata::app
