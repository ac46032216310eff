#include "sql_session.hpp"

namespace strata {

SqlSession::SqlSession(std::unique_ptr<SqlConnection> connection)
    : connection_(std::move(connection)) {}

Result<SqlStatement*> SqlSession::statement(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second.get();
  auto prepared = connection_->prepare(sql);
  if (!prepared) return fail(prepared.error());
  SqlStatement* raw = prepared->get();
  statements_.emplace(sql, std::move(*prepared));
  return raw;
}

Status SqlSession::run(const std::string& sql, const std::vector<SqlValue>& params,
                       const RowVisitor& on_row) {
  auto st = statement(sql);
  if (!st) return fail(st.error());
  SqlStatement& s = **st;
  s.reset();
  for (size_t i = 0; i < params.size(); ++i) {
    if (auto bound = s.bind(static_cast<int>(i + 1), params[i]); !bound) {
      s.reset();  // no binding may outlive `params`
      return bound;
    }
  }
  while (true) {
    auto row = s.step();
    if (!row) {
      s.reset();
      return fail(row.error());
    }
    if (!*row) break;
    if (on_row) on_row(s);
  }
  // Done: release the statement's read snapshot and its copies of the parameters.
  s.reset();
  return {};
}

Result<std::optional<int64_t>> SqlSession::single_int(const std::string& sql,
                                                      const std::vector<SqlValue>& params) {
  std::optional<int64_t> value;
  auto done = run(sql, params, [&](const SqlStatement& row) {
    if (!value && !row.column_is_null(0)) value = row.column_int(0);
  });
  if (!done) return fail(done.error());
  return value;
}

Result<int64_t> SqlSession::find_or_insert(const std::string& select_sql,
                                           const std::vector<SqlValue>& key,
                                           const std::string& insert_sql,
                                           const std::vector<SqlValue>& values) {
  auto found = single_int(select_sql, key);
  if (!found) return fail(found.error());
  if (*found) return **found;
  if (auto inserted = run(insert_sql, values); !inserted) return fail(inserted.error());
  found = single_int(select_sql, key);
  if (!found) return fail(found.error());
  if (!*found) return fail("internal: a row just inserted is not found");
  return **found;
}

Status SqlSession::transaction(const std::function<Status()>& body) {
  if (in_transaction_) return fail("internal: nested store transaction");
  if (auto begun = connection_->begin(); !begun) return begun;
  in_transaction_ = true;
  Status result = body();
  if (result) result = connection_->commit();
  if (!result) (void)connection_->rollback();  // the body's error is the one to report
  in_transaction_ = false;
  return result;
}

Status SqlSession::lock_until_commit(int64_t key) {
  if (!in_transaction_) return fail("internal: a store lock outside a transaction");
  if (dialect() == SqlDialect::kSqlite) return {};
  return run("SELECT pg_advisory_xact_lock(?)", {key});
}

}  // namespace strata
