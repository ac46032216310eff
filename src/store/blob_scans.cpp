// The scan cache: Store::find_/put_layer_scan and find_/put_config_scan, over one table
// (blob_scans, with kind 'layer' or 'config') and the findings each scan made (blob_findings).
#include "finding_rows.hpp"
#include "sql_session.hpp"
#include "store_support.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

constexpr const char* kLayer = "layer";
constexpr const char* kConfig = "config";

Status record_blob_finding(SqlSession& sql, int64_t scan_id, int64_t finding_id,
                           const BlobFinding& finding) {
  return sql.run(
      "INSERT INTO blob_findings (scan_id, finding_id, path, line) VALUES (?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {scan_id, finding_id, finding.path, static_cast<int64_t>(finding.line)});
}

// Two locations of one finding: everything its findings row holds is equal.
bool same_finding(const BlobFinding& a, const BlobFinding& b) {
  return a.fingerprint == b.fingerprint && a.rule_id == b.rule_id && a.rule_name == b.rule_name &&
         a.severity == b.severity && a.checksum == b.checksum &&
         a.secret_is_path == b.secret_is_path && a.preview == b.preview &&
         a.secret.reveal() == b.secret.reveal();
}

FindingRow finding_row(const BlobFinding& finding, std::string secret_hash, bool store_secrets) {
  FindingRow row{finding.fingerprint, finding.rule_id,        finding.rule_name,
                 finding.severity,    finding.checksum,       finding.secret_is_path,
                 finding.preview,     std::move(secret_hash), std::nullopt};
  if (store_secrets) row.secret = finding.secret.reveal();
  return row;
}

}  // namespace

Result<std::optional<BlobScanRecord>> Store::find_scan(const char* kind, const std::string& digest,
                                                       const std::string& rules_hash) {
  std::optional<BlobScanRecord> found;
  auto done = sql_->run(
      "SELECT scanner_version, scanned_at, payload FROM blob_scans "
      "WHERE kind = ? AND digest = ? AND rules_hash = ?",
      {std::string(kind), digest, rules_hash}, [&](const SqlStatement& row) {
        found = BlobScanRecord{digest, rules_hash, row.column_text(0), row.column_int(1),
                               row.column_blob(2)};
      });
  if (!done) return fail(error(std::string("find ") + kind + " scan " + digest, done.error()));
  return found;
}

Status Store::record_scan(const char* kind, const BlobScanRecord& scan,
                          const std::vector<BlobFinding>& findings) {
  auto body = [&]() -> Status {
    auto scan_id = sql_->single_int(
        "INSERT INTO blob_scans (kind, digest, rules_hash, scanner_version, scanned_at, payload) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, digest, rules_hash) DO UPDATE SET "
        "scanner_version = excluded.scanner_version, scanned_at = excluded.scanned_at, "
        "payload = excluded.payload RETURNING id",
        {std::string(kind), scan.digest, scan.rules_hash, scan.scanner_version, now_seconds(),
         SqlBlob{scan.payload}});
    if (!scan_id) return fail(scan_id.error());
    if (!*scan_id) return fail("no scan id returned");
    // A rescan with the same rules replaces the findings of the earlier one.
    if (auto cleared = sql_->run("DELETE FROM blob_findings WHERE scan_id = ?", {**scan_id});
        !cleared) {
      return cleared;
    }
    // Sorted by fingerprint, a finding's locations are consecutive: its row is upserted once.
    const BlobFinding* previous = nullptr;
    int64_t finding_id = 0;
    for (const BlobFinding* each : by_fingerprint(findings)) {
      const BlobFinding& finding = *each;
      if (!previous || !same_finding(*previous, finding)) {
        std::string hash = secret_key_hash(finding.secret.reveal());
        auto id = upsert_finding(*sql_, finding_row(finding, hash, options_.store_secrets));
        if (!id) return fail(id.error());
        finding_id = *id;
      }
      previous = each;
      if (auto done = record_blob_finding(*sql_, **scan_id, finding_id, finding); !done) {
        return done;
      }
    }
    return {};
  };
  if (auto done = sql_->transaction(body); !done) {
    return fail(error(std::string("record ") + kind + " scan " + scan.digest, done.error()));
  }
  return {};
}

Result<std::optional<LayerScanRecord>> Store::find_layer_scan(const std::string& digest,
                                                              const std::string& rules_hash) {
  return find_scan(kLayer, digest, rules_hash);
}

Status Store::put_layer_scan(const LayerScanRecord& scan,
                             const std::vector<BlobFinding>& findings) {
  return record_scan(kLayer, scan, findings);
}

Result<std::optional<ConfigScanRecord>> Store::find_config_scan(const std::string& config_digest,
                                                                const std::string& rules_hash) {
  return find_scan(kConfig, config_digest, rules_hash);
}

Status Store::put_config_scan(const ConfigScanRecord& scan,
                              const std::vector<BlobFinding>& findings) {
  return record_scan(kConfig, scan, findings);
}

}  // namespace strata
