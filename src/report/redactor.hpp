// Redactor: replaces every secret value found in a scan inside free text (history commands,
// config strings) with its redacted form, so no report leaks a secret by quoting its context.
#pragma once

#include <string>
#include <vector>

#include "strata/findings/finding.hpp"

namespace strata {

class Redactor {
 public:
  Redactor(const std::vector<Finding>& findings, bool reveal);
  std::string secret(const SecretValue& value) const;
  std::string text(std::string text) const;

 private:
  std::vector<const SecretValue*> secrets_;  // longest first
  bool reveal_;
};

}  // namespace strata
