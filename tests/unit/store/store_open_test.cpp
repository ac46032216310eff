#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "schema.hpp"
#include "store_fixture.hpp"

namespace strata::test {
namespace {

using StoreOpenTest = EngineStoreTest;
STRATA_STORE_ENGINES(StoreOpenTest);
// SQLite's file: its journal, permissions, and what is not a store.
using StoreFileOpenTest = StoreTest;

TEST_P(StoreOpenTest, CreatesAStoreAtTheLatestSchemaVersion) {
  auto store = open();
  ASSERT_TRUE(store);
  if (is_sqlite()) {
    EXPECT_TRUE(std::filesystem::exists(store_url()));
  }
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  EXPECT_EQ(count("schema_version"), latest_schema_version());
}

TEST_F(StoreFileOpenTest, UsesWriteAheadLogging) {
  auto store = open();
  ASSERT_TRUE(store);
  SqlSession sql = raw_session();
  std::string mode;
  ASSERT_TRUE(sql.run("PRAGMA journal_mode", {},
                      [&](const SqlStatement& row) { mode = row.column_text(0); }));
  EXPECT_EQ(mode, "wal");
}

TEST_F(StoreFileOpenTest, ANewStoreIsReadableByItsOwnerOnly) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->begin_sweep("r"));  // the write-ahead log exists now
  for (const std::string& file : {db_path(), db_path() + "-wal"}) {
    auto perms = std::filesystem::status(file).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << file;
  }
}

TEST_P(StoreOpenTest, ReopeningKeepsDataAndTheSecretHashKey) {
  std::string secret = random_secret("reopen_");
  std::string hash;
  int64_t sweep = 0;
  {
    auto store = open();
    ASSERT_TRUE(store);
    hash = store->secret_key_hash(secret);
    sweep = store->begin_sweep("registry.test").value();
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->secret_key_hash(secret), hash);
  auto sweeps = store->sweeps();
  ASSERT_TRUE(sweeps);
  ASSERT_EQ(sweeps->size(), 1u);
  EXPECT_EQ(sweeps->front().id, sweep);
  EXPECT_EQ(count("schema_version"), latest_schema_version());  // nothing migrated twice
}

TEST_F(StoreFileOpenTest, AStoreTheUserMayOnlyReadAnswersQueries) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write any file";
  std::string secret = random_secret("ro_");
  std::string hash;
  {
    auto store = open();
    ASSERT_TRUE(store);
    hash = store->secret_key_hash(secret);
  }
  std::filesystem::permissions(db_path(), std::filesystem::perms::owner_read);
  auto store = open_store(db_path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->secret_key_hash(secret), hash);
  EXPECT_TRUE((*store)->query({}));
  auto written = (*store)->begin_sweep("r");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("readonly"), std::string::npos) << written.error().message;
}

TEST_F(StoreFileOpenTest, EachStoreHasItsOwnSecretHashKey) {
  std::string secret = random_secret("key_");
  auto first = open();
  ASSERT_TRUE(first);
  TempDir other;
  auto second = open_store(other.path() + "/other.db");
  ASSERT_TRUE(second);
  EXPECT_NE(first->secret_key_hash(secret), (*second)->secret_key_hash(secret));
}

TEST_F(StoreFileOpenTest, MigratesAVersionOneStore) {
  {  // A store as version 1 of the schema made it, holding a sweep.
    SqlSession sql = raw_session();
    ASSERT_TRUE(sql.connection().exec(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"));
    ASSERT_TRUE(sql.connection().exec(schema_migrations().front().sql(SqlDialect::kSqlite)));
    ASSERT_TRUE(sql.run("INSERT INTO schema_version VALUES (1, 0)", {}));
    ASSERT_TRUE(
        sql.run("INSERT INTO sweeps (registry, started_at) VALUES ('old.registry', 5)", {}));
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  auto sweeps = store->sweeps();
  ASSERT_TRUE(sweeps);
  ASSERT_EQ(sweeps->size(), 1u);
  EXPECT_EQ(sweeps->front().registry, "old.registry");
  SqlSession sql = raw_session();
  auto index = sql.single_int(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
      "'findings_by_secret_hash'",
      {});
  ASSERT_TRUE(index);
  EXPECT_EQ(index->value_or(0), 1);  // version 2's index is there
}

TEST_P(StoreOpenTest, RefusesAStoreNewerThanTheBinary) {
  ASSERT_TRUE(open());
  {
    SqlSession sql = raw_session();
    ASSERT_TRUE(sql.run("INSERT INTO schema_version VALUES (99, 0)", {}));
  }
  auto store = open_store(store_url());
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("schema version 99"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(std::to_string(latest_schema_version())), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find(store_url()), std::string::npos) << store.error().message;
}

TEST_F(StoreFileOpenTest, AFileThatIsNotAStoreIsAClearError) {
  write_file(db_path(), std::string(4096, 'x'));
  auto store = open_store(db_path());
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find(db_path()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("not a database"), std::string::npos)
      << store.error().message;
}

TEST_F(StoreFileOpenTest, AMissingDirectoryIsAClearError) {
  auto store = open_store(dir_.path() + "/no/such/dir/store.db");
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("no/such/dir/store.db"), std::string::npos)
      << store.error().message;
}

TEST_F(StoreFileOpenTest, AnEmptyUrlIsAnError) { EXPECT_FALSE(open_store("")); }

}  // namespace
}  // namespace strata::test
