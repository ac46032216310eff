#include "schema.hpp"

#include "store_support.hpp"

namespace strata {
namespace {

// Schema SQL names the engine-specific types {id} and {blob}.
std::string for_dialect(std::string sql, SqlDialect dialect) {
  for (const auto& [name, value] :
       {std::pair<std::string, std::string>{"{id}", sql_id_column(dialect)},
        {"{blob}", sql_blob_type(dialect)}}) {
    for (size_t at = sql.find(name); at != std::string::npos; at = sql.find(name, at)) {
      sql.replace(at, name.size(), value);
      at += value.size();
    }
  }
  return sql;
}

// Version 1: the tables. Kept verbatim once released: older stores were made by it.
std::string schema_v1(SqlDialect dialect) {
  return for_dialect(R"sql(
CREATE TABLE store_meta (name TEXT PRIMARY KEY, value {blob} NOT NULL);
CREATE TABLE sweeps (
  id {id}, registry TEXT NOT NULL, started_at BIGINT NOT NULL, ended_at BIGINT,
  images BIGINT NOT NULL DEFAULT 0, layers BIGINT NOT NULL DEFAULT 0,
  layers_scanned BIGINT NOT NULL DEFAULT 0, findings BIGINT NOT NULL DEFAULT 0,
  errors BIGINT NOT NULL DEFAULT 0);
CREATE TABLE registries (id {id}, name TEXT NOT NULL UNIQUE);
CREATE TABLE repositories (
  id {id}, registry_id BIGINT NOT NULL REFERENCES registries (id), name TEXT NOT NULL,
  UNIQUE (registry_id, name));
CREATE TABLE manifests (
  id {id}, repository_id BIGINT NOT NULL REFERENCES repositories (id), digest TEXT NOT NULL,
  UNIQUE (repository_id, digest));
CREATE TABLE tags (
  repository_id BIGINT NOT NULL REFERENCES repositories (id), name TEXT NOT NULL,
  manifest_id BIGINT NOT NULL REFERENCES manifests (id), PRIMARY KEY (repository_id, name));
CREATE INDEX tags_by_manifest ON tags (manifest_id);
CREATE TABLE images (
  id {id}, manifest_id BIGINT NOT NULL REFERENCES manifests (id), platform TEXT NOT NULL,
  config_digest TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (manifest_id, platform));
CREATE TABLE image_layers (
  image_id BIGINT NOT NULL REFERENCES images (id), layer_position INTEGER NOT NULL,
  digest TEXT NOT NULL, PRIMARY KEY (image_id, layer_position));
CREATE TABLE blob_scans (
  id {id}, kind TEXT NOT NULL CHECK (kind IN ('layer', 'config')), digest TEXT NOT NULL,
  rules_hash TEXT NOT NULL, scanner_version TEXT NOT NULL, scanned_at BIGINT NOT NULL,
  payload {blob} NOT NULL, UNIQUE (kind, digest, rules_hash));
CREATE TABLE findings (
  id {id}, fingerprint TEXT NOT NULL UNIQUE CHECK (fingerprint <> ''),
  rule_id TEXT NOT NULL CHECK (rule_id <> ''), rule_name TEXT NOT NULL,
  severity INTEGER NOT NULL, checksum INTEGER NOT NULL, secret_is_path INTEGER NOT NULL,
  preview TEXT NOT NULL, secret_hash TEXT NOT NULL, secret TEXT);
CREATE TABLE blob_findings (
  scan_id BIGINT NOT NULL REFERENCES blob_scans (id) ON DELETE CASCADE,
  finding_id BIGINT NOT NULL REFERENCES findings (id), path TEXT NOT NULL, line BIGINT NOT NULL,
  PRIMARY KEY (scan_id, finding_id, path, line));
CREATE TABLE image_findings (
  image_id BIGINT NOT NULL REFERENCES images (id),
  finding_id BIGINT NOT NULL REFERENCES findings (id),
  location_key TEXT NOT NULL,
  kind INTEGER NOT NULL, layer_index INTEGER NOT NULL, layer_digest TEXT NOT NULL,
  path TEXT NOT NULL, byte_offset BIGINT NOT NULL, line BIGINT NOT NULL, line_column BIGINT NOT NULL,
  history_step INTEGER, history_last INTEGER, created_by TEXT NOT NULL,
  config_location TEXT NOT NULL, build_arg TEXT NOT NULL, step_mounts_secret INTEGER NOT NULL,
  fate TEXT NOT NULL, changed_in INTEGER, dockerfile_line INTEGER NOT NULL,
  origin INTEGER NOT NULL, location_fingerprint TEXT NOT NULL,
  severity INTEGER NOT NULL, confidence INTEGER NOT NULL,
  suppression_kind TEXT, suppression_reason TEXT,
  first_seen_sweep BIGINT NOT NULL REFERENCES sweeps (id),
  last_seen_sweep BIGINT NOT NULL REFERENCES sweeps (id),
  first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,
  PRIMARY KEY (image_id, finding_id, location_key));
)sql",
                     dialect);
}

// Version 2: the indexes that answer queries by secret, fingerprint, rule and layer without a
// scan of the findings (a fingerprint is already UNIQUE, hence indexed).
std::string schema_v2(SqlDialect dialect) {
  return for_dialect(R"sql(
CREATE INDEX findings_by_secret_hash ON findings (secret_hash);
CREATE INDEX findings_by_rule ON findings (rule_id);
CREATE INDEX image_findings_by_finding ON image_findings (finding_id);
CREATE INDEX image_findings_by_layer ON image_findings (layer_digest);
CREATE INDEX blob_findings_by_finding ON blob_findings (finding_id);
CREATE INDEX manifests_by_digest ON manifests (digest);
)sql",
                     dialect);
}

// Version 3: the shared work queue of a sweep (claims with leases, docs/store.md), and the
// index that finds a registry's running sweep.
std::string schema_v3(SqlDialect dialect) {
  return for_dialect(R"sql(
CREATE TABLE work_items (
  sweep_id BIGINT NOT NULL REFERENCES sweeps (id), kind TEXT NOT NULL, item_key TEXT NOT NULL,
  payload {blob} NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done')),
  worker TEXT, lease_until_ms BIGINT,
  PRIMARY KEY (sweep_id, kind, item_key));
CREATE INDEX work_items_by_state ON work_items (sweep_id, kind, state, lease_until_ms);
CREATE INDEX work_items_by_worker ON work_items (sweep_id, worker);
CREATE INDEX sweeps_running ON sweeps (registry, ended_at);
)sql",
                     dialect);
}

Status apply(SqlSession& sql, const Migration& migration) {
  return sql.transaction([&]() -> Status {
    // PostgreSQL: one process migrates at a time (SQLite's write transaction already is).
    if (auto locked = sql.lock_until_commit(kMigrationLock); !locked) return locked;
    // Another process may have applied it since we looked.
    auto current = read_schema_version(sql);
    if (!current) return fail(current.error());
    if (*current >= migration.version) return {};
    if (auto done = sql.connection().exec(migration.sql(sql.dialect())); !done) return done;
    return sql.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                   {int64_t{migration.version}, now_seconds()});
  });
}

}  // namespace

const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = {
      {1, "tables", schema_v1},
      {2, "query indexes", schema_v2},
      {3, "work queue", schema_v3},
  };
  return migrations;
}

int latest_schema_version() { return schema_migrations().back().version; }

Result<int> read_schema_version(SqlSession& sql) {
  auto version = sql.single_int("SELECT MAX(version) FROM schema_version", {});
  if (!version) return fail(version.error());
  return static_cast<int>(version->value_or(0));
}

namespace {

// PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against another process creating the same
// table at that moment, hence the lock there. SQLite needs none, and a store the user may only
// read must open without a write transaction.
Status create_version_table(SqlSession& sql) {
  auto create = [&]() -> Status {
    return sql.connection().exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "applied_at BIGINT NOT NULL)");
  };
  if (sql.dialect() == SqlDialect::kSqlite) return create();
  return sql.transaction([&]() -> Status {
    if (auto locked = sql.lock_until_commit(kMigrationLock); !locked) return locked;
    return create();
  });
}

}  // namespace

Result<int> migrate(SqlSession& sql) {
  if (auto made = create_version_table(sql); !made) return fail(made.error());
  auto current = read_schema_version(sql);
  if (!current) return fail(current.error());
  if (*current > latest_schema_version()) {
    return fail("the store has schema version " + std::to_string(*current) +
                ", newer than this strata's " + std::to_string(latest_schema_version()) +
                ": use a newer strata");
  }
  for (const auto& migration : schema_migrations()) {
    if (migration.version <= *current) continue;
    if (auto done = apply(sql, migration); !done) {
      return fail(done.error().with_context("migration to version " +
                                            std::to_string(migration.version) + " (" +
                                            migration.what + ")"));
    }
  }
  return read_schema_version(sql);
}

}  // namespace strata
