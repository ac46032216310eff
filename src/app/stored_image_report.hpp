// `strata query --db F --image REF`: the report `strata scan` gave for that image, rebuilt from
// the findings store: the same findings, fingerprints, locations, fates and history steps, in
// scan's formats (text, JSON, SARIF, GitLab). What the store does not keep is not in it:
// remediation steps, scan statistics, and secret values (shown redacted as recorded) unless the
// store was written with --store-secrets.
#pragma once

#include <string>
#include <vector>

#include "strata/findings/scan_report.hpp"
#include "strata/rules/rule.hpp"
#include "strata/store/store_records.hpp"

namespace strata::app {

// One report for every platform stored for the reference; findings of several platforms merge
// by fingerprint, as a scan of a multi-platform reference merges them. `rules` names the rule
// set whose hash the report carries.
ScanReport stored_image_report(const std::vector<StoredImageFindings>& images,
                               const RuleSet& rules);

}  // namespace strata::app
