// SqlConnection over PostgreSQL's libpq: extended-protocol prepared statements (PQprepare,
// PQexecPrepared), parameters as text except bytes (binary BYTEA), results read row by row
// from one PGresult per execution.
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "pg_support.hpp"
#include "sql_connection.hpp"

namespace strata {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ConnectionHandle = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

// libpq's messages end in a newline and may be several lines; one line reads better in ours.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

std::unexpected<Error> pg_error(PGconn* conn, const std::string& what) {
  return fail("postgresql: " + what + ": " + one_line(PQerrorMessage(conn)));
}

// The outcome of running a command: an error (with the server's message) unless it succeeded.
Status check(PGconn* conn, const PGresult* result, const std::string& what) {
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
  const char* message = result ? PQresultErrorMessage(result) : "";
  if (!message || !*message) return pg_error(conn, what);
  return fail("postgresql: " + what + ": " + one_line(message));
}

class PgStatement final : public SqlStatement {
 public:
  PgStatement(PGconn* conn, std::string name, int parameters)
      : conn_(conn),
        name_(std::move(name)),
        values_(parameters),
        is_null_(parameters, true),
        is_bytes_(parameters, false) {}

  void reset() override {
    result_.reset();
    row_ = -1;
    for (size_t i = 0; i < values_.size(); ++i) {
      values_[i].clear();
      is_null_[i] = true;
      is_bytes_[i] = false;
    }
  }

  // Copies the value: PostgreSQL wants them only when the statement runs.
  Status bind(int index, const SqlValue& value) override {
    if (index < 1 || index > static_cast<int>(values_.size())) {
      return fail("postgresql: bind parameter " + std::to_string(index) + " of " +
                  std::to_string(values_.size()));
    }
    size_t i = static_cast<size_t>(index - 1);
    is_null_[i] = std::holds_alternative<std::monostate>(value);
    is_bytes_[i] = std::holds_alternative<SqlBlob>(value);
    if (const auto* n = std::get_if<int64_t>(&value)) values_[i] = std::to_string(*n);
    if (const auto* s = std::get_if<std::string>(&value)) values_[i] = *s;
    if (const auto* b = std::get_if<SqlBlob>(&value)) values_[i] = b->bytes;
    return {};
  }

  Result<bool> step() override {
    if (!result_) {
      if (auto ran = execute(); !ran) return fail(ran.error());
    }
    ++row_;
    return row_ < PQntuples(result_.get());
  }

  bool column_is_null(int index) const override {
    return PQgetisnull(result_.get(), row_, index) != 0;
  }
  int64_t column_int(int index) const override {
    return std::strtoll(PQgetvalue(result_.get(), row_, index), nullptr, 10);
  }
  std::string column_text(int index) const override {
    return std::string(PQgetvalue(result_.get(), row_, index),
                       PQgetlength(result_.get(), row_, index));
  }
  // BYTEA arrives in text form ("\x…" hex): decoded here.
  std::string column_blob(int index) const override {
    size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, index)), &size);
    if (!bytes) return {};
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }

 private:
  Status execute() {
    int n = static_cast<int>(values_.size());
    std::vector<const char*> values(n);
    std::vector<int> lengths(n), formats(n);
    for (int i = 0; i < n; ++i) {
      values[i] = is_null_[i] ? nullptr : values_[i].data();
      lengths[i] = static_cast<int>(values_[i].size());
      formats[i] = is_bytes_[i] ? 1 : 0;  // bytes in binary form, the rest as text
    }
    result_.reset(
        PQexecPrepared(conn_, name_.c_str(), n, values.data(), lengths.data(), formats.data(), 0));
    row_ = -1;
    auto done = check(conn_, result_.get(), "run statement");
    if (!done) result_.reset();
    return done;
  }

  PGconn* conn_;
  std::string name_;
  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  std::vector<bool> is_bytes_;
  ResultHandle result_;
  int row_ = -1;
};

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(ConnectionHandle conn) : conn_(std::move(conn)) {}

  SqlDialect dialect() const override { return SqlDialect::kPostgresql; }

  Status exec(const std::string& sql) override {
    ResultHandle result(PQexec(conn_.get(), sql.c_str()));
    return check(conn_.get(), result.get(), "exec");
  }

  Result<std::unique_ptr<SqlStatement>> prepare(const std::string& sql) override {
    std::string name = "strata_" + std::to_string(++prepared_);
    ResultHandle result(
        PQprepare(conn_.get(), name.c_str(), numbered_placeholders(sql).c_str(), 0, nullptr));
    if (auto done = check(conn_.get(), result.get(), "prepare"); !done) return fail(done.error());
    ResultHandle described(PQdescribePrepared(conn_.get(), name.c_str()));
    if (auto done = check(conn_.get(), described.get(), "describe"); !done) {
      return fail(done.error());
    }
    return std::make_unique<PgStatement>(conn_.get(), name, PQnparams(described.get()));
  }

  Status begin() override { return exec("BEGIN"); }
  Status commit() override { return exec("COMMIT"); }
  Status rollback() override {
    // Outside a transaction there is nothing to undo.
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return {};
    return exec("ROLLBACK");
  }

 private:
  ConnectionHandle conn_;
  int prepared_ = 0;
};

void ignore_notice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<SqlConnection>> open_postgresql_connection(const std::string& url) {
  // connect_timeout comes first so that one in the URL wins (expand_dbname: later keys win).
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "strata", url.c_str(), nullptr};
  ConnectionHandle conn(PQconnectdbParams(keys, values, 1));
  if (!conn) return fail("postgresql: connect: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return fail(without_password(pg_error(conn.get(), "connect").error().message, url));
  }
  // Notices ("relation … already exists, skipping") are not errors: they are not printed.
  PQsetNoticeProcessor(conn.get(), ignore_notice, nullptr);
  auto connection = std::make_unique<PgConnection>(std::move(conn));
  if (auto done = connection->exec("SET client_min_messages = warning"); !done) {
    return fail(done.error());
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

}  // namespace strata
