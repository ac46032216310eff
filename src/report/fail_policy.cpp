#include <algorithm>

#include "strata/report/reporters.hpp"

namespace strata {

namespace {

// A location gates when it has the fate the policy asks for and, with --ignore-base, is not
// known to come from the base image (unknown origin still gates: no silent pass).
bool location_counts(const Location& l, const FailPolicy& policy) {
  if (policy.present_only && l.kind == LocationKind::kLayerFile &&
      l.fate.kind != FateKind::kPresent) {
    return false;
  }
  return !(policy.ignore_base && l.origin == LayerOrigin::kBaseImage);
}

}  // namespace

bool counts_toward_failure(const Finding& finding, const FailPolicy& policy) {
  if (finding.suppression || finding.severity < policy.min_severity) return false;
  if (finding.locations.empty()) return true;
  return std::any_of(finding.locations.begin(), finding.locations.end(),
                     [&](const Location& l) { return location_counts(l, policy); });
}

}  // namespace strata
