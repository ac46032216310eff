// PostgresServer: Debian's PostgreSQL server for a test suite, in a temporary directory: a
// cluster from initdb (as the user `postgres` through runuser when the tests run as root:
// initdb refuses root; made once per build in STRATA_FIXTURE_DIR and copied), pg_ctl start on
// 127.0.0.1 on a free port with its Unix socket in the directory, and pg_ctl stop plus removal when
// the object goes away. Trust authentication, user `strata`, UTF-8 with the C locale (byte-order
// sorting, as SQLite's).
//
//   std::string why;
//   auto server = PostgresServer::start(&why);
//   if (!server) STRATA_SKIP_OR_FAIL() << why;          // binaries missing, or start failed
//   ASSERT_TRUE(server->create_database("t_1"));
//   open_store(server->url("t_1"));
//
// Thread safety: one thread per object (the server itself takes any number of connections).
// Errors: start() gives nullptr and says why; create_database() gives false and says why.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/test_env.hpp"

namespace strata::test {

class PostgresServer {
 public:
  // nullptr when the server binaries (initdb, pg_ctl: Debian's `postgresql`) or psql are
  // missing, or the server did not start; `why_not` then says which.
  static std::unique_ptr<PostgresServer> start(std::string* why_not);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // "postgresql://strata@127.0.0.1:<port>/<database>"
  std::string url(const std::string& database) const;
  // CREATE DATABASE `name` (a plain identifier), through psql.
  bool create_database(const std::string& name, std::string* why_not = nullptr) const;
  // Runs SQL on `database` through psql; its output (tuples only, unaligned), nullopt on error.
  std::optional<std::string> psql(const std::string& database, const std::string& sql) const;
  // Everything the database holds, as pg_dump writes it (SQL text); nullopt on error.
  std::optional<std::string> dump(const std::string& database) const;

 private:
  PostgresServer() = default;
  bool init(const std::string& bin, std::string* why_not);
  bool own_for_server(const std::string& dir, std::string* why_not) const;
  std::string cluster_template(std::string* why_not) const;
  bool start_on_free_port(const std::string& bin, std::string* why_not);
  std::vector<std::string> as_server_user(std::vector<std::string> argv) const;

  TempDir dir_;
  std::string bin_;
  std::string psql_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace strata::test
