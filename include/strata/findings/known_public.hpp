// Secrets that are public on purpose — test keys compiled into common libraries (GnuTLS's
// self-test keys are in every Debian image with libgnutls30), documented examples. Findings of
// them are still reported, marked with the reason, and do not count toward exit code 1.
//
//   auto known = KnownPublicSecrets::load("patterns/known-public.txt");
//   if (const std::string* why = known->reason_for(finding.secret)) finding.known_public = *why;
//
// File format: one "<sha256 hex of the secret>  <reason>" per line; '#' starts a comment.
#pragma once

#include <map>
#include <string>

#include "strata/core/result.hpp"
#include "strata/core/secret_value.hpp"

namespace strata {

class KnownPublicSecrets {
 public:
  static Result<KnownPublicSecrets> load(const std::string& path);
  void add(const std::string& sha256_hex, std::string reason);
  const std::string* reason_for(const SecretValue& secret) const;
  size_t size() const { return reasons_.size(); }

 private:
  std::map<std::string, std::string> reasons_;  // sha256 hex -> why it is public
};

}  // namespace strata
