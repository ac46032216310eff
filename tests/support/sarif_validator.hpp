// Test support: Microsoft's SARIF validator (@microsoft/sarif-multitool, installed by
// scripts/install-deps.sh) run on a report with the SARIF and GitHub Advanced Security rule sets
// (GH1001-GH1007 turned on as errors: what code scanning's upload rejects).
//
//   std::string validator = find_sarif_validator();
//   if (validator.empty()) STRATA_SKIP_OR_FAIL() << kSarifValidatorMissing;
//   SarifVerdict v = validate_sarif(validator, report_path, temp_dir);
//   ASSERT_TRUE(v.ran) << v.console;
//   EXPECT_TRUE(v.errors.empty()) << v.console;
//
// Takes a few seconds (a .NET program). Thread-compatible: each call writes its own files into
// work_dir.
#pragma once

#include <string>
#include <vector>

namespace strata::test {

inline constexpr const char* kSarifValidatorMissing =
    "SARIF validator not installed: run scripts/install-deps.sh (it installs "
    "@microsoft/sarif-multitool 5.7.0 into ~/.cache/strata-tools/sarif) or set "
    "STRATA_SARIF_MULTITOOL";

// $STRATA_SARIF_MULTITOOL, else the install-deps.sh cache; "" when neither exists.
std::string find_sarif_validator();

struct SarifVerdict {
  bool ran = false;                   // the validator ran and wrote its verdict
  bool execution_successful = false;  // its own invocation record says so
  std::vector<std::string> errors;    // "RULE: arguments" per error-level result
  std::vector<std::string> warnings;  // the same for warnings
  std::string console;                // what the validator printed
};

SarifVerdict validate_sarif(const std::string& validator, const std::string& report,
                            const std::string& work_dir);

}  // namespace strata::test
