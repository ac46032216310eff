// Store::image_findings: the images a reference names, and their stored findings rebuilt as
// Findings with their locations.
#include <algorithm>
#include <map>

#include "sql_session.hpp"
#include "store_support.hpp"
#include "stored_reference.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

// The images a reference names; the tag of a tagged reference, else the first tag by name.
Result<std::vector<StoredImage>> resolve_images(SqlSession& sql, const StoredReference& ref) {
  std::string sql_text =
      "SELECT im.id, r.name, rp.name, m.digest, im.platform, im.config_digest, im.created, "
      "(SELECT MIN(t.name) FROM tags t WHERE t.manifest_id = m.id) "
      "FROM images im JOIN manifests m ON m.id = im.manifest_id "
      "JOIN repositories rp ON rp.id = m.repository_id JOIN registries r ON r.id = rp.registry_id "
      "WHERE ";
  std::vector<SqlValue> params;
  if (ref.repository.empty()) {
    sql_text += "m.digest = ?";
    params = {ref.digest};
  } else if (!ref.digest.empty()) {
    sql_text += "r.name = ? AND rp.name = ? AND m.digest = ?";
    params = {ref.registry, ref.repository, ref.digest};
  } else {
    sql_text +=
        "r.name = ? AND rp.name = ? AND EXISTS (SELECT 1 FROM tags t "
        "WHERE t.repository_id = rp.id AND t.name = ? AND t.manifest_id = m.id)";
    params = {ref.registry, ref.repository, ref.tag};
  }
  sql_text += " ORDER BY r.name, rp.name, m.digest, im.platform";
  std::vector<StoredImage> images;
  auto done = sql.run(sql_text, params, [&](const SqlStatement& row) {
    StoredImage image;
    image.id = row.column_int(0);
    image.image =
        ImageRecord{row.column_text(1), row.column_text(2), row.column_text(7), row.column_text(3),
                    row.column_text(4), row.column_text(5), row.column_text(6), {}};
    if (!ref.tag.empty()) image.image.tag = ref.tag;
    image.reference = stored_reference_text(image.image.registry, image.image.repository,
                                            image.image.tag, image.image.manifest_digest);
    images.push_back(std::move(image));
  });
  if (!done) return fail(done.error());
  for (auto& image : images) {
    done = sql.run(
        "SELECT digest FROM image_layers WHERE image_id = ? ORDER BY layer_position", {image.id},
        [&](const SqlStatement& row) { image.image.layer_digests.push_back(row.column_text(0)); });
    if (!done) return fail(done.error());
  }
  return images;
}

std::optional<int> optional_int(const SqlStatement& row, int column) {
  if (row.column_is_null(column)) return std::nullopt;
  return static_cast<int>(row.column_int(column));
}

// Columns 8… of kFindingsOfImage.
Location location_from_row(const SqlStatement& row, const StoredImage& image) {
  Location l;
  l.image = image.reference;
  l.platform = image.image.platform;
  l.kind = static_cast<LocationKind>(row.column_int(8));
  l.layer_index = static_cast<int>(row.column_int(9));
  l.layer_digest = row.column_text(10);
  l.path = row.column_text(11);
  l.offset = static_cast<uint64_t>(row.column_int(12));
  l.line = static_cast<uint64_t>(row.column_int(13));
  l.column = static_cast<uint64_t>(row.column_int(14));
  l.history_step = optional_int(row, 15);
  l.history_last = optional_int(row, 16);
  l.created_by = row.column_text(17);
  l.config_location = row.column_text(18);
  l.build_arg = row.column_text(19);
  l.step_mounts_secret = row.column_int(20) != 0;
  l.fate.kind = parse_fate_name(row.column_text(21)).value_or(FateKind::kPresent);
  l.fate.changed_in = optional_int(row, 22);
  l.dockerfile_line = static_cast<int>(row.column_int(23));
  l.origin = static_cast<LayerOrigin>(row.column_int(24));
  l.fingerprint = row.column_text(25);
  return l;
}

constexpr const char* kFindingsOfImage =
    "SELECT f.fingerprint, f.rule_id, f.rule_name, f.checksum, f.secret_is_path, f.preview, "
    "f.secret_hash, f.secret, i.kind, i.layer_index, i.layer_digest, i.path, i.byte_offset, "
    "i.line, i.line_column, i.history_step, i.history_last, i.created_by, i.config_location, "
    "i.build_arg, i.step_mounts_secret, i.fate, i.changed_in, i.dockerfile_line, i.origin, "
    "i.location_fingerprint, i.severity, i.confidence, i.suppression_kind, i.suppression_reason "
    "FROM image_findings i JOIN findings f ON f.id = i.finding_id WHERE i.image_id = ? "
    "ORDER BY i.severity DESC, f.rule_id, f.fingerprint, i.kind, i.layer_index, i.path, i.line, "
    "i.byte_offset, i.config_location";

StoredFinding finding_from_row(const SqlStatement& row) {
  StoredFinding stored;
  Finding& f = stored.finding;
  f.fingerprint = row.column_text(0);
  f.rule_id = row.column_text(1);
  f.rule_name = row.column_text(2);
  f.checksum = static_cast<ValidationState>(row.column_int(3));
  f.secret_is_path = row.column_int(4) != 0;
  stored.preview = row.column_text(5);
  stored.secret_hash = row.column_text(6);
  if (!row.column_is_null(7)) f.secret = SecretValue(row.column_text(7));
  f.severity = static_cast<Severity>(row.column_int(26));
  f.confidence = static_cast<Confidence>(row.column_int(27));
  if (!row.column_is_null(28))
    f.suppression = Suppression{row.column_text(28), row.column_text(29)};
  return stored;
}

Result<std::vector<StoredFinding>> findings_of_image(SqlSession& sql, const StoredImage& image) {
  std::vector<StoredFinding> findings;
  std::map<std::string, size_t> index_of;  // fingerprint -> position in `findings`
  auto done = sql.run(kFindingsOfImage, {image.id}, [&](const SqlStatement& row) {
    auto [at, added] = index_of.try_emplace(row.column_text(0), findings.size());
    if (added) findings.push_back(finding_from_row(row));
    Finding& f = findings[at->second].finding;
    f.severity = std::max(f.severity, static_cast<Severity>(row.column_int(26)));
    f.locations.push_back(location_from_row(row, image));
  });
  if (!done) return fail(done.error());
  return findings;
}

}  // namespace

Result<std::vector<StoredImageFindings>> Store::image_findings(const std::string& reference) {
  std::string what = "findings of " + reference;
  auto ref = parse_stored_reference(reference);
  if (!ref) return fail(error(what, ref.error()));
  auto images = resolve_images(*sql_, *ref);
  if (!images) return fail(error(what, images.error()));
  if (images->empty()) return fail(error(what, Error{"no such image in the store"}));
  std::vector<StoredImageFindings> answer;
  for (auto& image : *images) {
    auto findings = findings_of_image(*sql_, image);
    if (!findings) return fail(error(what, findings.error()));
    answer.push_back(StoredImageFindings{std::move(image), std::move(*findings)});
  }
  return answer;
}

}  // namespace strata
