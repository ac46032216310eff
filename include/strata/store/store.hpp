// Store: the findings store of registry sweeps. Keeps registries, repositories, tags, manifests,
// images and their layers; the "scanned once per rule set" cache of layer and config scans;
// findings (redacted preview and a keyed hash of the secret, the raw value only when asked);
// per-image finding locations with fates and first/last seen; sweeps and their shared work
// queue. docs/store.md has the schema.
//
//   auto store = open_store("sweep.db");                     // SQLite; created when missing
//   if (!store) return fail(store.error());
//   auto sweep = (*store)->begin_sweep("registry.example.com");
//   auto image = (*store)->record_image(record);
//   if (!(*store)->find_layer_scan(digest, rules_hash).value()) { …scan…; put_layer_scan(…); }
//   (*store)->record_image_findings(*image, *sweep, report.findings);
//   auto rows = (*store)->query(QueryFilter{.fingerprint = "1f668f909d1e"});
//
//   // Many processes on one sweep (a PostgreSQL store: "postgresql://strata@db/strata"):
//   auto sweep = (*store)->join_or_begin_sweep("registry.example.com");
//   (*store)->add_work(*sweep, {{"layer", digest, payload}});
//   auto mine = (*store)->claim_work(*sweep, "layer", "worker-1", std::chrono::minutes(5), 8);
//   for (auto& item : *mine) {
//     …scan…;
//     (*store)->finish_work(*sweep, "layer", item.key, "worker-1");
//   }
//
// Thread safety: one Store per thread (each holds its own connection). Processes share an
// SQLite file safely (WAL journal, a busy timeout, every write in one transaction) and a
// PostgreSQL database (row locks, advisory locks for migrations and sweep starts).
// Errors: Result values naming the store and the step ("store sweep.db: record image …: …");
// they never carry secret values.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/finding.hpp"
#include "strata/store/store_records.hpp"

namespace strata {

class SqlSession;

struct StoreOptions {
  bool store_secrets = false;  // --store-secrets: keep raw secret values too
  // SQLite: how long a writer waits for another process's transaction. PostgreSQL waits on
  // row locks as long as the other transaction runs (deadlocks are detected by the server).
  int busy_timeout_ms = 30000;
};

class Store {
 public:
  // open_store makes Stores; this constructor takes a migrated session.
  Store(std::string name, std::unique_ptr<SqlSession> sql, std::string hash_key, int schema_version,
        StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Sweeps.
  Result<int64_t> begin_sweep(const std::string& registry);
  Status end_sweep(int64_t sweep_id, const SweepCounts& counts);
  Result<std::vector<SweepRecord>> sweeps();  // oldest first
  // The sweep of this registry still running (no end time; the latest when several are), so
  // that a second process joins it instead of starting another; nullopt when none runs.
  Result<std::optional<int64_t>> open_sweep(const std::string& registry);
  // open_sweep, or begin_sweep when none runs, as one step: of several processes calling it at
  // once, one starts the sweep and the others join it.
  Result<int64_t> join_or_begin_sweep(const std::string& registry);

  // The shared work queue of a sweep: many processes (on one PostgreSQL store, or one SQLite
  // file) take items from it without ever holding the same one. Leases are measured on the
  // database's clock. A worker that dies keeps its claims only until their leases expire.
  // Idempotent: an item that exists (same sweep, kind and key) is left as it is.
  Status add_work(int64_t sweep_id, const std::vector<WorkItem>& items);
  // Up to `max` items of `kind` that are pending or claimed with an expired lease, now claimed
  // by `worker` until now + `lease` (ordered by key). None left: an empty list.
  Result<std::vector<WorkItem>> claim_work(int64_t sweep_id, std::string_view kind,
                                           std::string_view worker, std::chrono::seconds lease,
                                           size_t max);
  // Extends every live claim of `worker` in the sweep to now + `lease` (a long layer).
  Status renew_claims(int64_t sweep_id, std::string_view worker, std::chrono::seconds lease);
  // Marks the item done: it is never handed out again. Done whoever holds the claim now (a
  // worker whose lease lapsed still did the work, and results are recorded idempotently); an
  // item that does not exist is an error.
  Status finish_work(int64_t sweep_id, std::string_view kind, std::string_view key,
                     std::string_view worker);
  Result<WorkCounts> work_counts(int64_t sweep_id, std::string_view kind);
  // Hands the items `worker` holds back to the queue (pending): a worker restarted under its
  // old name (a Kubernetes pod's, a host's) resumes them at once instead of after their lease.
  Status release_claims(int64_t sweep_id, std::string_view worker);

  // Sweeps shared by many workers: each adds what it swept as it goes (counts add up), and
  // the one that finds the queue empty ends the sweep. close_sweep sets the end time only when
  // unset: true for the one call that ended it.
  Status add_sweep_counts(int64_t sweep_id, const SweepCounts& counts);
  Result<bool> close_sweep(int64_t sweep_id);
  // finish_work and add_sweep_counts as one step, counted once: only the call that marks the
  // item done adds its counts (a reference finished by two workers counts once).
  Status finish_counted_work(int64_t sweep_id, std::string_view kind, std::string_view key,
                             std::string_view worker, const SweepCounts& counts);

  // Upserts the registry, repository, tag (moved to this manifest), manifest, image and its
  // layers; gives the image's id. Recording the same image again changes nothing.
  Result<int64_t> record_image(const ImageRecord& image);

  // The scan cache: a layer (or config) scanned with a rule set is never scanned again.
  // put_* records the scan and its findings in one transaction: all or nothing.
  Result<std::optional<LayerScanRecord>> find_layer_scan(const std::string& digest,
                                                         const std::string& rules_hash);
  Status put_layer_scan(const LayerScanRecord& scan, const std::vector<BlobFinding>& findings);
  Result<std::optional<ConfigScanRecord>> find_config_scan(const std::string& config_digest,
                                                           const std::string& rules_hash);
  Status put_config_scan(const ConfigScanRecord& scan, const std::vector<BlobFinding>& findings);

  // One row per (finding, location) of an image, with fate and history step; first_seen and
  // last_seen move with each sweep. Recording the same findings again adds nothing.
  Status record_image_findings(int64_t image_id, int64_t sweep_id,
                               const std::vector<Finding>& findings);
  // record_image and record_image_findings in one transaction: an image the store holds always
  // has its findings, even when the process dies between the two.
  Result<int64_t> record_image_with_findings(const ImageRecord& image, int64_t sweep_id,
                                             const std::vector<Finding>& findings);

  // Incremental sweeps. The images stored for this manifest of this repository (one per
  // platform; tag empty), layers base first; empty when none is stored.
  Result<std::vector<StoredImage>> stored_images(const std::string& registry,
                                                 const std::string& repository,
                                                 const std::string& manifest_digest);
  // The image seen again, unchanged, by `sweep_id`: its findings' last sighting moves to this
  // sweep. Gives how many distinct findings it holds.
  Result<int64_t> mark_image_seen(int64_t image_id, int64_t sweep_id);

  // Every stored location matching the filter, ordered by image then finding.
  Result<std::vector<QueryRow>> query(const QueryFilter& filter);

  // The stored findings of the images a reference ("registry/repo:tag", "…@digest") or a
  // manifest digest names (one entry per platform); an error when none is stored.
  Result<std::vector<StoredImageFindings>> image_findings(const std::string& reference);

  // The keyed hash (HMAC-SHA256 with this store's key, lower-case hex) the store keeps for a
  // secret: what queries by secret compare.
  std::string secret_key_hash(const std::string& secret) const;

  int schema_version() const { return schema_version_; }
  const std::string& name() const { return name_; }

 private:
  Status record_scan(const char* kind, const BlobScanRecord& scan,
                     const std::vector<BlobFinding>& findings);
  Result<std::optional<BlobScanRecord>> find_scan(const char* kind, const std::string& digest,
                                                  const std::string& rules_hash);
  Status write_image_findings(int64_t image_id, int64_t sweep_id,
                              const std::vector<Finding>& findings);  // inside a transaction
  Error error(const std::string& step, const Error& cause) const;

  std::string name_;
  std::unique_ptr<SqlSession> sql_;
  std::string hash_key_;
  int schema_version_;
  StoreOptions options_;
};

// Opens (creating and migrating when needed) the store at `url`: a file path is an SQLite store;
// "postgresql://[user[:password]@]host[:port]/database" (or "postgres://…") a PostgreSQL one
// (the database must exist; its tables are created). Errors name a PostgreSQL store as
// "postgresql://user@host:port/database", never with its password. A store whose schema is newer
// than this binary is an error naming both versions.
Result<std::unique_ptr<Store>> open_store(const std::string& url, StoreOptions options = {});

}  // namespace strata
