// The triage inputs of `strata scan`: a baseline (--baseline, or `baseline` in the config file)
// and an ignore file (--ignore-file, `ignore_file` in the config file, else ./.strataignore
// when present). Both are read before the scan, so a bad file fails fast (exit 2), and applied
// to its findings afterwards: the ignore file first, then the baseline.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "strata/core/result.hpp"
#include "strata/findings/baseline.hpp"
#include "strata/findings/ignore_file.hpp"
#include "strata/findings/scan_report.hpp"

namespace strata::app {

struct TriageFiles {
  std::optional<Baseline> baseline;
  std::optional<IgnoreFile> ignore;
};

// Flags win over the config file's keys. A named file must exist; errors name it.
Result<TriageFiles> load_triage_files(const std::string& baseline_flag,
                                      const std::string& ignore_flag,
                                      const std::optional<std::string>& config_path);

// Suppresses what the files say and adds the ignore file's warnings to the report.
void apply_triage_files(const TriageFiles& files, ScanReport& report,
                        std::chrono::year_month_day today);

}  // namespace strata::app
