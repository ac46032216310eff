// `strata scan --format sarif` on a real buildah image, checked by Microsoft's SARIF validator
// (@microsoft/sarif-multitool, installed by scripts/install-deps.sh) with the SARIF and GitHub
// Advanced Security rule sets: no validator result may be an error.
#include "support/sarif_validator.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

TEST(SarifValidatorTest, BuildahLeakyReportHasNoValidatorErrors) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  std::string validator = find_sarif_validator();
  if (validator.empty()) STRATA_SKIP_OR_FAIL() << kSarifValidatorMissing;
  TempDir dir;
  std::string report = dir.path() + "/strata.sarif";
  RunResult scan = run_strata({"scan", tar, "--format", "sarif", "-o", report});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  json log = json::parse(read_file(report), nullptr, false);
  ASSERT_TRUE(log.is_object()) << "strata wrote no JSON";
  ASSERT_FALSE(log["runs"][0]["results"].empty());

  SarifVerdict verdict = validate_sarif(validator, report, dir.path());
  ASSERT_TRUE(verdict.ran) << "validator failed:\n" << verdict.console;
  EXPECT_TRUE(verdict.execution_successful) << verdict.console;
  for (const std::string& w : verdict.warnings) std::cout << "[ validator warning ] " << w << "\n";
  EXPECT_TRUE(verdict.errors.empty()) << verdict.errors.size() << " validator error(s):\n"
                                      << verdict.console;
}

TEST(SarifValidatorTest, BuildahLeakyReportHidesSecrets) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
  std::string token = secret("NPM_TOKEN");
  ASSERT_FALSE(token.empty()) << "NPM_TOKEN missing from secrets.json";
  RunResult scan = run_strata({"scan", tar, "--format", "sarif"});
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  EXPECT_EQ(scan.out.find(token), std::string::npos);
  json log = json::parse(scan.out, nullptr, false);
  ASSERT_TRUE(log.is_object());
  EXPECT_EQ(log["version"], "2.1.0");
}

}  // namespace
}  // namespace strata::test::real
