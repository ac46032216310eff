// SqlConnection over SQLite 3: one database handle, prepared statements wrapped once.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "sql_connection.hpp"

namespace strata {
namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

std::unexpected<Error> sqlite_error(sqlite3* db, const std::string& what) {
  return fail("sqlite: " + what + ": " + sqlite3_errmsg(db));
}

class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement(sqlite3* db, StatementHandle st) : db_(db), st_(std::move(st)) {}

  void reset() override {
    sqlite3_reset(st_.get());
    sqlite3_clear_bindings(st_.get());
  }

  // SQLITE_STATIC: no copy; the caller keeps the value alive until reset() (sql_connection.hpp).
  Status bind(int index, const SqlValue& value) override {
    sqlite3_stmt* st = st_.get();
    int rc = SQLITE_OK;
    if (const auto* i = std::get_if<int64_t>(&value)) {
      rc = sqlite3_bind_int64(st, index, *i);
    } else if (const auto* s = std::get_if<std::string>(&value)) {
      rc = sqlite3_bind_text64(st, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (const auto* b = std::get_if<SqlBlob>(&value)) {
      // A zero-length blob pointer must not be null, or SQLite binds NULL.
      rc = sqlite3_bind_blob64(st, index, b->bytes.data() ? b->bytes.data() : "", b->bytes.size(),
                               SQLITE_STATIC);
    } else {
      rc = sqlite3_bind_null(st, index);
    }
    if (rc != SQLITE_OK) return sqlite_error(db_, "bind parameter " + std::to_string(index));
    return {};
  }

  Result<bool> step() override {
    int rc = sqlite3_step(st_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(db_, "step");
  }

  bool column_is_null(int index) const override {
    return sqlite3_column_type(st_.get(), index) == SQLITE_NULL;
  }
  int64_t column_int(int index) const override { return sqlite3_column_int64(st_.get(), index); }
  std::string column_text(int index) const override {
    const auto* text = sqlite3_column_text(st_.get(), index);
    int size = sqlite3_column_bytes(st_.get(), index);
    return text ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
  }
  std::string column_blob(int index) const override {
    const void* blob = sqlite3_column_blob(st_.get(), index);
    int size = sqlite3_column_bytes(st_.get(), index);
    return blob ? std::string(static_cast<const char*>(blob), size) : std::string();
  }

 private:
  sqlite3* db_;
  StatementHandle st_;
};

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(DatabaseHandle db) : db_(std::move(db)) {}

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Status exec(const std::string& sql) override {
    char* message = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string text = message ? message : sqlite3_errmsg(db_.get());
    sqlite3_free(message);
    return fail("sqlite: " + text);
  }

  Result<std::unique_ptr<SqlStatement>> prepare(const std::string& sql) override {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      return sqlite_error(db_.get(), "prepare");
    }
    return std::make_unique<SqliteStatement>(db_.get(), StatementHandle(raw));
  }

  Status begin() override { return exec("BEGIN IMMEDIATE"); }
  Status commit() override { return exec("COMMIT"); }
  Status rollback() override {
    // After some errors SQLite has already rolled back: nothing left to undo is not an error.
    if (sqlite3_get_autocommit(db_.get())) return {};
    return exec("ROLLBACK");
  }

 private:
  DatabaseHandle db_;
};

// A new store is readable by its owner only: it holds where secrets are, their keyed hashes and
// with --store-secrets the secrets. SQLite gives its -wal and -shm files the same mode.
Status create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    return fail(std::string("create: ") + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> open_sqlite_connection(const std::string& path,
                                                              int busy_timeout_ms) {
  if (path != ":memory:") {
    if (auto created = create_private_file(path); !created) return fail(created.error());
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DatabaseHandle db(raw);
  if (rc != SQLITE_OK) {
    return fail(std::string("sqlite: open: ") + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  auto connection = std::make_unique<SqliteConnection>(std::move(db));
  // WAL lets readers and one writer of several processes work at once; NORMAL sync keeps every
  // committed transaction through a killed process (only a power loss may lose the last ones).
  // A 64 MiB page cache keeps a big transaction (an image with many findings) from spilling
  // pages to the log before it commits; statement journals (an upsert inside a transaction
  // writes one) stay in memory instead of costing a temporary file's writes per row.
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON",
        "PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY"}) {
    if (auto done = connection->exec(pragma); !done) return fail(done.error());
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

}  // namespace strata
