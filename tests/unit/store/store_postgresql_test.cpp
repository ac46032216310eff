// What only a PostgreSQL store has: its URL (a password never shown), errors naming the
// database, placeholders numbered for libpq, bytes as BYTEA.
#include <gtest/gtest.h>

#include <thread>

#include "pg_support.hpp"
#include "schema.hpp"
#include "store_fixture.hpp"

namespace strata::test {
namespace {

TEST(PgSupportTest, PlaceholdersAreNumberedOutsideQuotes) {
  EXPECT_EQ(numbered_placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2");
  EXPECT_EQ(numbered_placeholders("SELECT \"odd?name\", 'it''s ?' FROM t WHERE x LIKE ? ESCAPE '\\'"
                                  " AND y = ?"),
            "SELECT \"odd?name\", 'it''s ?' FROM t WHERE x LIKE $1 ESCAPE '\\' AND y = $2");
  EXPECT_EQ(numbered_placeholders("-- why?\nSELECT ?"), "-- why?\nSELECT $1");
  EXPECT_EQ(numbered_placeholders("SELECT 1"), "SELECT 1");
}

TEST(PgSupportTest, TheDisplayNameHasNoPassword) {
  std::string password = random_secret("pw");
  EXPECT_EQ(postgresql_display_name("postgresql://strata:" + password + "@db.test:5433/sweeps"),
            "postgresql://strata@db.test:5433/sweeps");
  EXPECT_EQ(postgresql_display_name("postgres://db.test/sweeps?password=" + password +
                                    "&sslmode=require"),
            "postgres://db.test/sweeps");
}

TEST(PgSupportTest, PasswordsAreScrubbedFromMessages) {
  std::string password = random_secret("p%40ss");  // "%40" is '@' percent-encoded
  std::string url = "postgresql://u:" + password + "@h/d";
  std::string decoded = password;
  decoded.replace(decoded.find("%40"), 3, "@");
  std::string text = without_password("failed for " + password + " and " + decoded, url);
  EXPECT_EQ(text.find(password), std::string::npos) << text;
  EXPECT_EQ(text.find(decoded), std::string::npos) << text;
  EXPECT_NE(text.find("***"), std::string::npos) << text;
}

class PostgresqlStoreTest : public EngineStoreTest {};
INSTANTIATE_TEST_SUITE_P(Engines, PostgresqlStoreTest, ::testing::Values(StoreEngine::kPostgresql),
                         engine_name);

TEST_P(PostgresqlStoreTest, ANonexistentDatabaseIsNamedWithoutThePassword) {
  std::string password = random_secret("pw");
  std::string url = "postgresql://strata:" + password +
                    "@127.0.0.1:" + std::to_string(server()->port()) + "/no_such_db";
  auto store = open_store(url);
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("postgresql://strata@127.0.0.1:" + std::to_string(server()->port()) +
                         "/no_such_db"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("no_such_db\" does not exist"), std::string::npos) << message;
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_P(PostgresqlStoreTest, AServerNobodyRunsIsAClearErrorWithoutThePassword) {
  std::string password = random_secret("pw");
  int port = free_loopback_port();
  auto store = open_store("postgres://strata:" + password + "@127.0.0.1:" + std::to_string(port) +
                          "/strata");
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port) + "/strata"), std::string::npos)
      << message;
  EXPECT_NE(message.find("connect"), std::string::npos) << message;
  EXPECT_EQ(message.find(password), std::string::npos) << message;
}

TEST_P(PostgresqlStoreTest, TheSchemaIsMadeOfPostgresqlTypes) {
  ASSERT_TRUE(open());
  auto type = server()->psql(database_,
                             "SELECT data_type FROM information_schema.columns "
                             "WHERE table_name = 'blob_scans' AND column_name = 'payload'");
  ASSERT_TRUE(type);
  EXPECT_EQ(*type, "bytea\n");
  auto id = server()->psql(database_,
                           "SELECT data_type FROM information_schema.columns "
                           "WHERE table_name = 'findings' AND column_name = 'id'");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "bigint\n");
}

TEST_P(PostgresqlStoreTest, ConcurrentOpenersOfAFreshDatabaseMigrateOnce) {
  constexpr int kOpeners = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kOpeners);
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto store = open_store(store_url());
      if (!store) errors[i] = store.error().message;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(count("schema_version"), latest_schema_version());
}

}  // namespace
}  // namespace strata::test
