// SqlSession: a connection plus a cache of its prepared statements, run with a parameter list,
// and transactions that roll back unless committed. The store's code talks to it only.
//
//   SqlSession sql(std::move(connection));
//   auto done = sql.transaction([&]() -> Status {
//     return sql.run("INSERT INTO sweeps (registry, started_at) VALUES (?, ?)", {name, now});
//   });
//   sql.run("SELECT id FROM sweeps", {}, [&](const SqlStatement& row) {
//   ids.push_back(row.column_int(0)); });
//
// Thread safety: one thread, like its connection.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql_connection.hpp"

namespace strata {

class SqlSession {
 public:
  using RowVisitor = std::function<void(const SqlStatement&)>;

  explicit SqlSession(std::unique_ptr<SqlConnection> connection);

  SqlDialect dialect() const { return connection_->dialect(); }
  SqlConnection& connection() { return *connection_; }

  // Runs one statement (prepared once per session) with these parameters, visiting each row.
  Status run(const std::string& sql, const std::vector<SqlValue>& params,
             const RowVisitor& on_row = {});
  // The first column of the first row as an integer, or nullopt when there is no row.
  Result<std::optional<int64_t>> single_int(const std::string& sql,
                                            const std::vector<SqlValue>& params);

  // The id `select_sql` finds with `key`; when none, inserts with `insert_sql` and `values`
  // (an INSERT … ON CONFLICT DO NOTHING, so a concurrent writer's row wins) and looks again.
  Result<int64_t> find_or_insert(const std::string& select_sql, const std::vector<SqlValue>& key,
                                 const std::string& insert_sql,
                                 const std::vector<SqlValue>& values);

  // Runs `body` in one transaction: committed when it succeeds, rolled back when it fails.
  // Not reentrant: a transaction inside a transaction is an error.
  Status transaction(const std::function<Status()>& body);
  bool in_transaction() const { return in_transaction_; }

  // Inside a transaction: waits until no other transaction holds lock `key`, then holds it
  // until this one ends. PostgreSQL: an advisory transaction lock; SQLite: nothing to do (its
  // write transaction already excludes every other writer).
  Status lock_until_commit(int64_t key);

 private:
  Result<SqlStatement*> statement(const std::string& sql);

  std::unique_ptr<SqlConnection> connection_;
  std::map<std::string, std::unique_ptr<SqlStatement>> statements_;
  bool in_transaction_ = false;
};

// NULL for an unset optional, the value otherwise.
inline SqlValue sql_optional(const std::optional<int>& value) {
  return value ? SqlValue{int64_t{*value}} : SqlValue{};
}

}  // namespace strata
