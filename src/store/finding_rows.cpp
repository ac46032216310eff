#include "finding_rows.hpp"

namespace strata {

Result<int64_t> upsert_finding(SqlSession& sql, const FindingRow& row) {
  auto id = sql.single_int(
      "INSERT INTO findings (fingerprint, rule_id, rule_name, severity, checksum, secret_is_path, "
      "preview, secret_hash, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (fingerprint) DO UPDATE SET "
      "severity = CASE WHEN excluded.severity > findings.severity THEN excluded.severity "
      "ELSE findings.severity END, "
      "rule_name = CASE WHEN findings.rule_name = '' THEN excluded.rule_name "
      "ELSE findings.rule_name END, "
      "checksum = CASE WHEN findings.checksum = 0 THEN excluded.checksum "
      "ELSE findings.checksum END, "
      "secret_is_path = CASE WHEN excluded.secret_is_path <> 0 THEN excluded.secret_is_path "
      "ELSE findings.secret_is_path END, "
      "secret = COALESCE(findings.secret, excluded.secret) RETURNING id",
      {row.fingerprint, row.rule_id, row.rule_name, static_cast<int64_t>(row.severity),
       static_cast<int64_t>(row.checksum), int64_t{row.secret_is_path}, row.preview,
       row.secret_hash, row.secret ? SqlValue{*row.secret} : SqlValue{}});
  if (!id) return fail(id.error().with_context("finding " + row.fingerprint));
  if (!*id) return fail("finding " + row.fingerprint + ": no id returned");
  return **id;
}

}  // namespace strata
