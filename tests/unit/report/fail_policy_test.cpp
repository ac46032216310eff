// --ignore-base: a finding fails the scan unless every location is known to come from the base.
#include <gtest/gtest.h>

#include "strata/report/reporters.hpp"

namespace strata {
namespace {

Finding finding_at(std::vector<LayerOrigin> origins) {
  Finding f;
  f.severity = Severity::kHigh;
  for (LayerOrigin o : origins) {
    Location l;
    l.origin = o;
    f.locations.push_back(l);
  }
  return f;
}

FailPolicy ignoring_base() {
  FailPolicy p;
  p.ignore_base = true;
  return p;
}

TEST(FailPolicyTest, BaseOnlyFindingFailsUnlessIgnoreBase) {
  Finding f = finding_at({LayerOrigin::kBaseImage});
  EXPECT_TRUE(counts_toward_failure(f));
  EXPECT_FALSE(counts_toward_failure(f, ignoring_base()));
}

TEST(FailPolicyTest, OwnBuildLocationStillFailsWithIgnoreBase) {
  EXPECT_TRUE(counts_toward_failure(finding_at({LayerOrigin::kBaseImage, LayerOrigin::kOwnBuild}),
                                    ignoring_base()));
}

TEST(FailPolicyTest, UnknownOriginFailsWithIgnoreBase) {
  EXPECT_TRUE(counts_toward_failure(finding_at({LayerOrigin::kUnknown}), ignoring_base()));
}

TEST(FailPolicyTest, PresentOnlyAndIgnoreBaseCombinePerLocation) {
  // A deleted file of the build and a present one from the base: neither gates.
  Finding f = finding_at({LayerOrigin::kOwnBuild, LayerOrigin::kBaseImage});
  f.locations[0].fate = Fate{FateKind::kDeleted, 3};
  FailPolicy p = ignoring_base();
  p.present_only = true;
  EXPECT_FALSE(counts_toward_failure(f, p));
  p.ignore_base = false;
  EXPECT_TRUE(counts_toward_failure(f, p));
}

}  // namespace
}  // namespace strata
