// Shared by the store's unit tests: a store on either engine (an SQLite file in a temporary
// directory, a database on a PostgreSQL server the suite starts), synthetic images and findings
// (secrets made at run time), and row counts read over a second connection.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sql_connection.hpp"
#include "sql_session.hpp"
#include "strata/findings/finding.hpp"
#include "strata/store/store.hpp"
#include "support/postgres_server.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test {

inline std::string fake_digest(const std::string& seed) {
  std::string hex;
  for (char c : seed) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[static_cast<unsigned char>(c) >> 4];
    hex += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  hex.resize(64, '0');
  return "sha256:" + hex;
}

inline ImageRecord image_record(const std::string& repository, const std::string& tag,
                                const std::string& manifest_seed, int layers = 2) {
  ImageRecord image{"registry.test:5000",
                    repository,
                    tag,
                    fake_digest(manifest_seed),
                    "linux/amd64",
                    fake_digest("config-" + manifest_seed),
                    "2026-01-02T03:04:05Z",
                    {}};
  for (int i = 0; i < layers; ++i) {
    image.layer_digests.push_back(fake_digest("layer-" + std::to_string(i)));
  }
  return image;
}

// linux/amd64 and linux/arm64 images of one manifest (an index).
inline std::pair<ImageRecord, ImageRecord> two_platforms(const std::string& repository,
                                                         const std::string& tag) {
  ImageRecord amd = image_record(repository, tag, "index");
  ImageRecord arm = amd;
  arm.platform = "linux/arm64";
  return {amd, arm};
}

inline Location layer_location(int layer, const std::string& path, FateKind fate) {
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.layer_index = layer;
  l.layer_digest = fake_digest("layer-" + std::to_string(layer));
  l.path = path;
  l.line = 3;
  l.offset = 40;
  l.column = 7;
  l.history_step = layer + 1;
  l.created_by = "COPY . /app";
  l.fate.kind = fate;
  if (fate != FateKind::kPresent) l.fate.changed_in = layer + 1;
  return l;
}

inline Location config_location(const std::string& where, const std::string& build_arg) {
  Location l;
  l.kind = LocationKind::kConfig;
  l.config_location = where;
  l.build_arg = build_arg;
  l.history_step = 4;
  l.created_by = "|1 " + build_arg + "=… /bin/sh -c npm ci";
  l.fate.kind = FateKind::kNotInFilesystem;
  return l;
}

inline Finding make_finding(const std::string& rule_id, const std::string& secret,
                            Severity severity, std::vector<Location> locations) {
  Finding f;
  f.rule_id = rule_id;
  f.rule_name = "name of " + rule_id;
  f.severity = severity;
  f.secret = SecretValue(secret);
  f.fingerprint = finding_fingerprint(rule_id, f.secret);
  f.locations = std::move(locations);
  return f;
}

// What each store test runs against: its helpers (open, raw_session, count) work alike on both.
enum class StoreEngine { kSqlite, kPostgresql };

inline std::string engine_name(const ::testing::TestParamInfo<StoreEngine>& info) {
  return info.param == StoreEngine::kSqlite ? "Sqlite" : "Postgresql";
}

// How gtest (and so ctest's test list) prints the parameter.
inline void PrintTo(StoreEngine engine, std::ostream* out) {
  *out << (engine == StoreEngine::kSqlite ? "SQLite" : "PostgreSQL");
}

// A store and a second way in, for either engine.
class StoreAccess {
 public:
  // What open_store takes: the file's path, or the database's URL.
  const std::string& store_url() const { return url_; }
  bool is_sqlite() const { return engine_ == StoreEngine::kSqlite; }

  std::unique_ptr<Store> open(StoreOptions options = {}) {
    auto store = open_store(url_, options);
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }

  // A second connection to the store, as another process would have.
  SqlSession raw_session() {
    auto connection =
        is_sqlite() ? open_sqlite_connection(url_, 5000) : open_postgresql_connection(url_);
    EXPECT_TRUE(connection) << (connection ? "" : connection.error().message);
    return SqlSession(std::move(*connection));
  }

  int64_t count(const std::string& table) {
    SqlSession sql = raw_session();
    auto n = sql.single_int("SELECT COUNT(*) FROM " + table, {});
    EXPECT_TRUE(n) << (n ? "" : n.error().message);
    return n && *n ? **n : -1;
  }

 protected:
  TempDir dir_;
  StoreEngine engine_ = StoreEngine::kSqlite;
  std::string url_ = dir_.path() + "/store.db";
};

// A fresh store per test: an SQLite file in a temporary directory, or a new database
// (CREATE DATABASE t_<n>) on the suite's PostgreSQL server, started by the first test that
// needs it and stopped when the suite ends.
class EngineStoreTest : public ::testing::TestWithParam<StoreEngine>, public StoreAccess {
 protected:
  static void TearDownTestSuite() { server().reset(); }

  void SetUp() override {
    engine_ = GetParam();
    if (is_sqlite()) return;
    std::string why;
    if (!server()) server() = PostgresServer::start(&why);
    if (!server()) STRATA_SKIP_OR_FAIL() << why;
    static int databases = 0;
    database_ = "t_" + std::to_string(++databases);
    ASSERT_TRUE(server()->create_database(database_, &why)) << why;
    url_ = server()->url(database_);
  }

  static std::unique_ptr<PostgresServer>& server() {
    static std::unique_ptr<PostgresServer> running;
    return running;
  }

  std::string database_;
};

// Runs the tests of a fixture derived from EngineStoreTest on both engines.
#define STRATA_STORE_ENGINES(fixture)                                                   \
  INSTANTIATE_TEST_SUITE_P(Engines, fixture,                                            \
                           ::testing::Values(::strata::test::StoreEngine::kSqlite,      \
                                             ::strata::test::StoreEngine::kPostgresql), \
                           ::strata::test::engine_name)

// Tests of what only SQLite has (its file, its journal, its permissions).
class StoreTest : public ::testing::Test, public StoreAccess {
 protected:
  std::string db_path() const { return url_; }
};

}  // namespace strata::test
