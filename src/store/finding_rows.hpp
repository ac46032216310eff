// The `findings` table: one row per finding fingerprint (rule + secret), shared by the layer
// and config scans that found it and by every image that holds it.
//
//   auto id = upsert_finding(sql, FindingRow{…});
//
// Thread safety: one session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sql_session.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

struct FindingRow {
  std::string fingerprint;
  std::string rule_id;
  std::string rule_name;
  Severity severity = Severity::kHigh;
  ValidationState checksum = ValidationState::kNotApplicable;  // stored as 0: not known
  bool secret_is_path = false;
  std::string preview;                // redacted
  std::string secret_hash;            // keyed hash
  std::optional<std::string> secret;  // only when the store keeps secrets
};

// Inserts the finding or merges into the stored one (the highest severity wins; a checksum
// verdict and a raw secret, once known, stay); gives its id.
Result<int64_t> upsert_finding(SqlSession& sql, const FindingRow& row);

}  // namespace strata
