// open_store, and the Store's sweeps and secret hashing.
#include "strata/store/store.hpp"

#include <chrono>
#include <thread>

#include "pg_support.hpp"
#include "schema.hpp"
#include "secret_hash_key.hpp"
#include "sql_session.hpp"
#include "store_support.hpp"

namespace strata {
namespace {

bool is_postgresql_url(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

SweepRecord sweep_from_row(const SqlStatement& row) {
  SweepRecord sweep;
  sweep.id = row.column_int(0);
  sweep.registry = row.column_text(1);
  sweep.started_at = row.column_int(2);
  if (!row.column_is_null(3)) sweep.ended_at = row.column_int(3);
  sweep.counts = SweepCounts{row.column_int(4), row.column_int(5), row.column_int(6),
                             row.column_int(7), row.column_int(8)};
  return sweep;
}

}  // namespace

Store::Store(std::string name, std::unique_ptr<SqlSession> sql, std::string hash_key,
             int schema_version, StoreOptions options)
    : name_(std::move(name)),
      sql_(std::move(sql)),
      hash_key_(std::move(hash_key)),
      schema_version_(schema_version),
      options_(options) {}

Store::~Store() = default;

Error Store::error(const std::string& step, const Error& cause) const {
  return cause.with_context("store " + name_ + ": " + step);
}

std::string Store::secret_key_hash(const std::string& secret) const {
  return keyed_secret_hash(hash_key_, secret);
}

Result<int64_t> Store::begin_sweep(const std::string& registry) {
  auto id = sql_->single_int("INSERT INTO sweeps (registry, started_at) VALUES (?, ?) RETURNING id",
                             {registry, now_seconds()});
  if (!id) return fail(error("begin sweep", id.error()));
  if (!*id) return fail(error("begin sweep", Error{"no id returned"}));
  return **id;
}

Status Store::end_sweep(int64_t sweep_id, const SweepCounts& counts) {
  auto updated = sql_->single_int(
      "UPDATE sweeps SET ended_at = ?, images = ?, layers = ?, layers_scanned = ?, "
      "findings = ?, errors = ? WHERE id = ? RETURNING id",
      {now_seconds(), counts.images, counts.layers, counts.layers_scanned, counts.findings,
       counts.errors, sweep_id});
  if (!updated) return fail(error("end sweep " + std::to_string(sweep_id), updated.error()));
  if (!*updated) return fail(error("end sweep", Error{"no sweep " + std::to_string(sweep_id)}));
  return {};
}

Result<std::vector<SweepRecord>> Store::sweeps() {
  std::vector<SweepRecord> list;
  auto done = sql_->run(
      "SELECT id, registry, started_at, ended_at, images, layers, layers_scanned, findings, "
      "errors FROM sweeps ORDER BY id",
      {}, [&](const SqlStatement& row) { list.push_back(sweep_from_row(row)); });
  if (!done) return fail(error("list sweeps", done.error()));
  return list;
}

Result<std::optional<int64_t>> Store::open_sweep(const std::string& registry) {
  auto id = sql_->single_int(
      "SELECT id FROM sweeps WHERE registry = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
      {registry});
  if (!id) return fail(error("find the running sweep of " + registry, id.error()));
  return *id;
}

Result<int64_t> Store::join_or_begin_sweep(const std::string& registry) {
  int64_t id = 0;
  auto done = sql_->transaction([&]() -> Status {
    // Of processes starting at once, the first to take the lock starts the sweep; the others
    // wait for it to commit and find it.
    if (auto locked = sql_->lock_until_commit(kSweepLock); !locked) return locked;
    auto running = open_sweep(registry);
    if (!running) return fail(running.error());
    if (*running) {
      id = **running;
      return {};
    }
    auto begun = begin_sweep(registry);
    if (!begun) return fail(begun.error());
    id = *begun;
    return {};
  });
  if (!done) return fail(done.error());  // already names the store and the step
  return id;
}

namespace {

// The connection a URL names, and the name errors show it by (never a password).
Result<std::unique_ptr<SqlConnection>> connect(const std::string& url, const StoreOptions& options,
                                               std::string& name) {
  if (is_postgresql_url(url)) {
    name = postgresql_display_name(url);
    return open_postgresql_connection(url);
  }
  name = url;
  return open_sqlite_connection(url, options.busy_timeout_ms);
}

}  // namespace

namespace {

Result<std::unique_ptr<Store>> open_store_once(const std::string& url, StoreOptions options) {
  std::string name;
  auto connection = connect(url, options, name);
  auto where = [&](const Error& e) { return e.with_context("store " + name); };
  if (!connection) return fail(where(connection.error()));
  auto sql = std::make_unique<SqlSession>(std::move(*connection));
  auto version = migrate(*sql);
  if (!version) return fail(where(version.error()));
  auto key = load_or_create_secret_hash_key(*sql);
  if (!key) return fail(where(key.error()));
  return std::make_unique<Store>(name, std::move(sql), std::move(*key), *version, options);
}

}  // namespace

// Processes opening one new SQLite store at once can meet "database is locked" where SQLite does
// not wait (switching the file to WAL while another connection reads it). Every step of opening
// is idempotent (the schema and the key are made in transactions), so it is tried again, for up
// to the busy timeout.
Result<std::unique_ptr<Store>> open_store(const std::string& url, StoreOptions options) {
  if (url.empty()) return fail("store: no path or URL given");
  constexpr int kPauseMs = 50;
  for (int waited = 0;; waited += kPauseMs) {
    auto store = open_store_once(url, options);
    bool locked = !store && store.error().message.find("database is locked") != std::string::npos;
    if (!locked || waited >= options.busy_timeout_ms) return store;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPauseMs));
  }
}

}  // namespace strata
