// Redactor: replaces every secret value found in a scan inside free text (history commands,
// config strings, remediation steps) with its redacted form ("ghp_…(40 chars)"), so no report
// leaks a secret by quoting its context. Built once per report: lookups go through the shared
// prefix-indexed SecretScrubber, so a report stays linear in its text however many findings.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "strata/core/secret_scrubber.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

class Redactor {
 public:
  Redactor(const std::vector<Finding>& findings, bool reveal);
  // For remediation text: every secret except placeholders a rule's allow pattern matched
  // (`${GITHUB_TOKEN}`), which are no secrets and which rewritten commands quote.
  static Redactor for_fixes(const std::vector<Finding>& findings, bool reveal);
  std::string secret(const SecretValue& value) const;
  std::string text(std::string text) const;

 private:
  Redactor(SecretScrubber scrubber, bool reveal)
      : scrubber_(std::move(scrubber)), reveal_(reveal) {}

  SecretScrubber scrubber_;
  bool reveal_;
  // Names this redactor's secrets for text()'s per-thread memo (copies share the secrets).
  uint64_t id_ = next_id_.fetch_add(1) + 1;
  static inline std::atomic<uint64_t> next_id_{0};
};

}  // namespace strata
