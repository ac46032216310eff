#include "redactor.hpp"

#include "strata/findings/secrets_to_hide.hpp"

namespace strata {

Redactor::Redactor(const std::vector<Finding>& findings, bool reveal)
    : Redactor(reveal ? SecretScrubber() : SecretScrubber(secrets_to_hide(findings)), reveal) {}

Redactor Redactor::for_fixes(const std::vector<Finding>& findings, bool reveal) {
  return Redactor(reveal ? SecretScrubber() : SecretScrubber(secrets_to_hide(findings, true)),
                  reveal);
}

std::string Redactor::secret(const SecretValue& value) const {
  return reveal_ ? value.reveal() : value.redacted();
}

std::string Redactor::text(std::string text) const {
  if (reveal_ || scrubber_.empty()) return text;
  // Reports pass the same text again and again (a layer's build step on each of its thousands
  // of locations): the last answer is kept per thread, for this redactor's secrets only.
  thread_local uint64_t memo_owner = 0;
  thread_local std::string memo_in, memo_out;
  if (memo_owner == id_ && memo_in == text) return memo_out;
  std::string out = scrubber_.scrub(text);
  memo_owner = id_;
  memo_in = std::move(text);
  memo_out = out;
  return out;
}

}  // namespace strata
