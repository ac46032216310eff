// Store::record_image_findings: one image_findings row per (finding, location), first and last
// seen by sweep and time.
#include "finding_rows.hpp"
#include "image_rows.hpp"
#include "sql_session.hpp"
#include "store_support.hpp"
#include "strata/core/digest.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

// What makes two locations of one finding in one image different places.
std::string location_key(const Location& l) {
  std::string material = location_kind_name(l.kind);
  for (const std::string& part : {std::to_string(l.layer_index), l.layer_digest, l.path,
                                  std::to_string(l.offset), l.config_location}) {
    material += '\0';
    material += part;
  }
  return sha256_of(material).hex.substr(0, 32);
}

std::vector<SqlValue> location_values(int64_t image_id, int64_t finding_id, int64_t sweep_id,
                                      int64_t now, const Finding& f, const Location& l) {
  return {image_id,
          finding_id,
          location_key(l),
          static_cast<int64_t>(l.kind),
          int64_t{l.layer_index},
          l.layer_digest,
          l.path,
          static_cast<int64_t>(l.offset),
          static_cast<int64_t>(l.line),
          static_cast<int64_t>(l.column),
          sql_optional(l.history_step),
          sql_optional(l.history_last),
          l.created_by,
          l.config_location,
          l.build_arg,
          int64_t{l.step_mounts_secret},
          std::string(fate_name(l.fate.kind)),
          sql_optional(l.fate.changed_in),
          int64_t{l.dockerfile_line},
          static_cast<int64_t>(l.origin),
          l.fingerprint,
          static_cast<int64_t>(f.severity),
          static_cast<int64_t>(f.confidence),
          f.suppression ? SqlValue{f.suppression->kind} : SqlValue{},
          f.suppression ? SqlValue{f.suppression->reason} : SqlValue{},
          sweep_id,
          sweep_id,
          now,
          now};
}

// A row seen again keeps its first sighting; a later sweep moves its last one. The rest follows
// the latest record (fates and severities do not change for one image and rule set).
constexpr const char* kInsertLocation =
    "INSERT INTO image_findings (image_id, finding_id, location_key, kind, layer_index, "
    "layer_digest, path, byte_offset, line, line_column, history_step, history_last, created_by, "
    "config_location, build_arg, step_mounts_secret, fate, changed_in, dockerfile_line, origin, "
    "location_fingerprint, severity, confidence, suppression_kind, suppression_reason, "
    "first_seen_sweep, last_seen_sweep, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (image_id, finding_id, location_key) DO UPDATE SET "
    "fate = excluded.fate, changed_in = excluded.changed_in, severity = excluded.severity, "
    "confidence = excluded.confidence, suppression_kind = excluded.suppression_kind, "
    "suppression_reason = excluded.suppression_reason, "
    "last_seen = CASE WHEN excluded.last_seen_sweep > image_findings.last_seen_sweep "
    "THEN excluded.last_seen ELSE image_findings.last_seen END, "
    "last_seen_sweep = CASE WHEN excluded.last_seen_sweep > image_findings.last_seen_sweep "
    "THEN excluded.last_seen_sweep ELSE image_findings.last_seen_sweep END";

}  // namespace

Status Store::write_image_findings(int64_t image_id, int64_t sweep_id,
                                   const std::vector<Finding>& findings) {
  int64_t now = now_seconds();
  for (const Finding* each : by_fingerprint(findings)) {
    const Finding& f = *each;
    const std::string& secret = f.secret.reveal();
    FindingRow row{f.fingerprint,
                   f.rule_id,
                   f.rule_name,
                   f.severity,
                   f.checksum,
                   f.secret_is_path,
                   f.secret_is_path ? secret : f.secret.redacted(),
                   secret_key_hash(secret),
                   std::nullopt};
    if (options_.store_secrets) row.secret = secret;
    auto finding_id = upsert_finding(*sql_, row);
    if (!finding_id) return fail(finding_id.error());
    for (const Location& l : f.locations) {
      auto values = location_values(image_id, *finding_id, sweep_id, now, f, l);
      if (auto done = sql_->run(kInsertLocation, values); !done) {
        return fail(done.error().with_context("finding " + f.fingerprint));
      }
    }
  }
  return {};
}

Status Store::record_image_findings(int64_t image_id, int64_t sweep_id,
                                    const std::vector<Finding>& findings) {
  auto done = sql_->transaction([&] { return write_image_findings(image_id, sweep_id, findings); });
  if (!done) {
    return fail(error("record findings of image " + std::to_string(image_id), done.error()));
  }
  return {};
}

// One transaction: a stored image always has its findings (what an incremental sweep trusts).
Result<int64_t> Store::record_image_with_findings(const ImageRecord& image, int64_t sweep_id,
                                                  const std::vector<Finding>& findings) {
  std::string what =
      "record image " + image.registry + "/" + image.repository + "@" + image.manifest_digest;
  if (image.repository.empty() || image.manifest_digest.empty()) {
    return fail(error(what, Error{"the repository and manifest digest are required"}));
  }
  int64_t id = 0;
  auto done = sql_->transaction([&]() -> Status {
    auto recorded = record_image_rows(*sql_, image);
    if (!recorded) return fail(recorded.error());
    id = *recorded;
    return write_image_findings(id, sweep_id, findings);
  });
  if (!done) return fail(error(what, done.error()));
  return id;
}

}  // namespace strata
