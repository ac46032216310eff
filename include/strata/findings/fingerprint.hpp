// What finding and location fingerprints look like, and the names other files must agree on:
// the SARIF partialFingerprints keys (sarif_reporter.cpp writes them, baseline.cpp reads them;
// a drift would silently stop every baseline from matching) and the path form fingerprints,
// ignore-file globs and GitLab locations use.
//
// Thread safety: pure functions and constants.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace strata {

inline constexpr std::string_view kSarifFingerprintKey = "strataFingerprint/v1";
inline constexpr std::string_view kSarifLocationFingerprintKey = "strataLocationFingerprint/v1";

inline constexpr size_t kFingerprintHexDigits = 32;

// Secrets shorter than this get a slow, salted derivation (PBKDF2) so that a dictionary pass
// over a published fingerprint costs as much as guessing the password does; see
// finding_fingerprint in finding.hpp and docs/triage.md#fingerprints.
inline constexpr size_t kShortSecretBytes = 16;

// 32 lowercase hex digits, as finding_fingerprint and location fingerprints write them.
inline bool is_fingerprint(std::string_view s) {
  return s.size() == kFingerprintHexDigits && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace strata
