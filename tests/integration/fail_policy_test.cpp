// --fail-on, --fail-on-fate and --exit-code on a real image: the exit code follows the
// findings that count, and JSON says which those are.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::run_strata;

int counted(const std::string& json_text) {
  int n = 0;
  nlohmann::json report = nlohmann::json::parse(json_text);  // must outlive the loop
  for (const auto& f : report["findings"]) n += f["counts_toward_exit"].get<bool>() ? 1 : 0;
  return n;
}

TEST(FailPolicyTest, ExitCodeFollowsTheFindingsThatCount) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty())
    STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing: buildah not available";
  auto all = run_strata({"scan", image, "--format", "json", "--exit-code", "7"});
  EXPECT_EQ(all.exit_code, 7) << all.err;
  int all_counted = counted(all.out);
  EXPECT_GT(all_counted, 0);

  auto strict = run_strata(
      {"scan", image, "--format", "json", "--fail-on", "critical", "--fail-on-fate", "present"});
  int strict_counted = counted(strict.out);
  EXPECT_LT(strict_counted, all_counted);  // high findings and deleted files no longer count
  EXPECT_EQ(strict.exit_code, strict_counted > 0 ? 1 : 0) << strict.err;
  nlohmann::json report = nlohmann::json::parse(strict.out);
  for (const auto& f : report["findings"]) {
    if (f["counts_toward_exit"].get<bool>()) {
      EXPECT_EQ(f["severity"], "critical");
    }
  }
}

}  // namespace
}  // namespace strata
