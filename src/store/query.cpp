// Store::query: the filter as one SQL statement over image_findings and what it joins.
#include "sql_session.hpp"
#include "store_support.hpp"
#include "stored_reference.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

constexpr const char* kSelect =
    "SELECT r.name, rp.name, COALESCE(t.name, ''), m.digest, im.platform, i.layer_digest, "
    "i.path, i.line, i.config_location, i.fate, i.changed_in, i.history_step, i.created_by, "
    "f.rule_id, f.fingerprint, i.severity, f.preview, i.first_seen, i.last_seen, "
    "i.first_seen_sweep, i.last_seen_sweep "
    "FROM image_findings i JOIN findings f ON f.id = i.finding_id "
    "JOIN images im ON im.id = i.image_id JOIN manifests m ON m.id = im.manifest_id "
    "JOIN repositories rp ON rp.id = m.repository_id JOIN registries r ON r.id = rp.registry_id "
    "LEFT JOIN tags t ON t.manifest_id = m.id WHERE 1 = 1";

constexpr const char* kOrder =
    " ORDER BY r.name, rp.name, COALESCE(t.name, ''), m.digest, im.platform, i.severity DESC, "
    "f.rule_id, f.fingerprint, i.kind, i.layer_index, i.path, i.line, i.config_location";

struct SqlFilter {
  std::string where;
  std::vector<SqlValue> params;

  void add(const std::string& condition, std::vector<SqlValue> values) {
    where += " AND " + condition;
    for (auto& v : values) params.push_back(std::move(v));
  }
};

void add_image_condition(SqlFilter& sql, const StoredReference& ref) {
  if (!ref.registry.empty()) sql.add("r.name = ? AND rp.name = ?", {ref.registry, ref.repository});
  if (!ref.digest.empty()) sql.add("m.digest = ?", {ref.digest});
  if (!ref.tag.empty()) sql.add("t.name = ?", {ref.tag});
}

void add_rule_globs(SqlFilter& sql, const std::vector<std::string>& globs) {
  std::string any;
  std::vector<SqlValue> values;
  for (const auto& glob : globs) {
    any += std::string(any.empty() ? "" : " OR ") + "f.rule_id LIKE ? ESCAPE '\\'";
    values.push_back(glob_to_like(glob));
  }
  sql.add("(" + any + ")", std::move(values));
}

Result<SqlFilter> sql_filter(const QueryFilter& filter) {
  SqlFilter sql;
  if (!filter.secret_hash.empty()) sql.add("f.secret_hash = ?", {filter.secret_hash});
  if (!filter.fingerprint.empty()) {
    // A prefix as a range, which every engine answers from the fingerprint index.
    sql.add("f.fingerprint >= ? AND f.fingerprint < ?",
            {filter.fingerprint, prefix_upper_bound(filter.fingerprint)});
  }
  if (!filter.rules.empty()) add_rule_globs(sql, filter.rules);
  if (filter.min_severity) {
    sql.add("i.severity >= ?", {static_cast<int64_t>(*filter.min_severity)});
  }
  if (filter.fate) sql.add("i.fate = ?", {std::string(fate_name(*filter.fate))});
  if (!filter.repository.empty()) {
    sql.add("rp.name LIKE ? ESCAPE '\\'", {glob_to_like(filter.repository)});
  }
  if (!filter.image.empty()) {
    auto ref = parse_stored_reference(filter.image);
    if (!ref) return fail(ref.error());
    add_image_condition(sql, *ref);
  }
  if (!filter.layer.empty()) sql.add("i.layer_digest = ?", {filter.layer});
  if (filter.new_since_sweep) sql.add("i.first_seen_sweep > ?", {*filter.new_since_sweep});
  return sql;
}

QueryRow row_from(const SqlStatement& row) {
  QueryRow q;
  q.registry = row.column_text(0);
  q.repository = row.column_text(1);
  q.tag = row.column_text(2);
  q.manifest_digest = row.column_text(3);
  q.platform = row.column_text(4);
  q.layer = row.column_text(5);
  q.path = row.column_text(6);
  q.line = static_cast<uint64_t>(row.column_int(7));
  q.config_location = row.column_text(8);
  q.fate.kind = parse_fate_name(row.column_text(9)).value_or(FateKind::kPresent);
  if (!row.column_is_null(10)) q.fate.changed_in = static_cast<int>(row.column_int(10));
  if (!row.column_is_null(11)) q.history_step = static_cast<int>(row.column_int(11));
  q.created_by = row.column_text(12);
  q.rule_id = row.column_text(13);
  q.fingerprint = row.column_text(14);
  q.severity = static_cast<Severity>(row.column_int(15));
  q.preview = row.column_text(16);
  q.first_seen = row.column_int(17);
  q.last_seen = row.column_int(18);
  q.first_seen_sweep = row.column_int(19);
  q.last_seen_sweep = row.column_int(20);
  return q;
}

}  // namespace

Result<std::vector<QueryRow>> Store::query(const QueryFilter& filter) {
  auto sql = sql_filter(filter);
  if (!sql) return fail(error("query", sql.error()));
  std::vector<QueryRow> rows;
  auto done = sql_->run(kSelect + sql->where + kOrder, sql->params,
                        [&](const SqlStatement& row) { rows.push_back(row_from(row)); });
  if (!done) return fail(error("query", done.error()));
  return rows;
}

}  // namespace strata
