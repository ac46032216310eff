// SqlConnection: the one seam between the store and a database engine: SQLite
// (sqlite_connection.cpp) and PostgreSQL over libpq (pg_connection.cpp). SQL text uses `?`
// placeholders and the subset both engines share; the few type names that differ come from
// SqlDialect.
//
//   auto db = open_sqlite_connection("sweep.db", 30000);
//   auto st = (*db)->prepare("SELECT id FROM sweeps WHERE registry = ?");
//   (*st)->bind(1, SqlValue{std::string("r")});
//   while (*(*st)->step()) use((*st)->column_int(0));
//
// Thread safety: a connection and its statements belong to one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "strata/core/result.hpp"

namespace strata {

// Bytes that go to a BLOB (SQLite) or BYTEA (PostgreSQL) column, not to TEXT.
struct SqlBlob {
  std::string bytes;
};
using SqlValue = std::variant<std::monostate, int64_t, std::string, SqlBlob>;  // monostate: NULL

enum class SqlDialect { kSqlite, kPostgresql };

// Type names that differ between the engines; schema SQL is written with these.
const char* sql_id_column(SqlDialect dialect);  // an auto-assigned 64-bit primary key
const char* sql_blob_type(SqlDialect dialect);  // BLOB or BYTEA
// The database's clock as Unix milliseconds (an SQL expression): one clock for every worker.
const char* sql_now_ms(SqlDialect dialect);
// What ends a SELECT that locks the rows it gives and skips rows others have locked
// (PostgreSQL's FOR UPDATE SKIP LOCKED); empty in SQLite, whose write transaction already
// excludes every other writer.
const char* sql_skip_locked(SqlDialect dialect);

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  // Makes the statement runnable again with new parameters.
  virtual void reset() = 0;
  // 1-based. The value is not copied: it must stay alive until the statement is reset.
  virtual Status bind(int index, const SqlValue& value) = 0;
  // Runs to the next row: true when there is one, false when done.
  virtual Result<bool> step() = 0;
  // 0-based columns of the current row.
  virtual bool column_is_null(int index) const = 0;
  virtual int64_t column_int(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual std::string column_blob(int index) const = 0;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // Statements without results, separated by ';'.
  virtual Status exec(const std::string& sql) = 0;
  virtual Result<std::unique_ptr<SqlStatement>> prepare(const std::string& sql) = 0;
  // A write transaction: SQLite takes the write lock at once (BEGIN IMMEDIATE), so two
  // processes never deadlock upgrading a read lock. PostgreSQL: BEGIN (read committed).
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
};

// Opens (creating) an SQLite file: WAL journal, foreign keys on, a busy timeout.
Result<std::unique_ptr<SqlConnection>> open_sqlite_connection(const std::string& path,
                                                              int busy_timeout_ms);
// Connects to the database a "postgresql://" (or "postgres://") URL names. Errors never
// repeat the URL's password.
Result<std::unique_ptr<SqlConnection>> open_postgresql_connection(const std::string& url);

}  // namespace strata
