// Secret validation: a second opinion on a confirmed match, beyond its pattern.
//
//   const SecretValidator& v = checksum_validator();
//   ValidationResult r = v.validate(rule, secret);   // r.state: not-applicable/valid/invalid
//
// The one implementation is offline: the checksum some token formats carry (GitHub, npm),
// selected by the rule's `checksum` field. Live validation (asking the provider whether a
// token is active) would plug in here as another SecretValidator; it is left out because the
// machines strata runs on reach no provider, and a scanner must not send secrets anywhere
// unasked.
//
// Thread safety: validators are immutable; validate() may be called from any thread.
// Errors: none; a secret the check cannot apply to is kNotApplicable or kInvalid, never an
// error. `detail` never contains the secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/rules/rule.hpp"

namespace strata {

struct ValidationResult {
  ValidationState state = ValidationState::kNotApplicable;
  std::string detail;  // why, for diagnostics ("checksum matches", "checksum mismatch")
};

class SecretValidator {
 public:
  virtual ~SecretValidator() = default;
  virtual ValidationResult validate(const Rule& rule, std::string_view secret) const = 0;
};

// The offline checksum validator (stateless, shared).
const SecretValidator& checksum_validator();

// The check itself, for one checksum kind.
ValidationState check_checksum(ChecksumKind kind, std::string_view secret);

}  // namespace strata
