// secrets_to_hide: the secret values of a scan's findings, each with the redacted form that
// replaces it, as a SecretScrubber takes them. The one list behind every place that must not
// quote a secret: the reports' free text and the diagnostics on stderr.
//
//   SecretScrubber scrubber(secrets_to_hide(report.findings));
//   std::string safe = scrubber.scrub(error_message);
//
// A secret file's "secret" is its path, shown as is: not listed. Thread safety: pure function.
#pragma once

#include <vector>

#include "strata/core/secret_scrubber.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

// With `keep_placeholders`, values a rule's allow pattern matched (`${GITHUB_TOKEN}`) are left
// out: they are no secrets, and rewritten commands quote them.
std::vector<SecretScrubber::Secret> secrets_to_hide(const std::vector<Finding>& findings,
                                                    bool keep_placeholders = false);

}  // namespace strata
