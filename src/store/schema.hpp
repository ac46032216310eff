// The store's schema: numbered migrations, each run once in its own transaction when a store
// is opened. A store records the versions applied in `schema_version`; docs/store.md
// describes every table.
//
//   auto version = migrate(session);  // Result<int>: the version the store is at now
//
// Thread safety: one session. Several processes opening one store at once are safe: each
// migration re-reads the version inside its write transaction.
#pragma once

#include <string>
#include <vector>

#include "sql_session.hpp"

namespace strata {

struct Migration {
  int version;
  const char* what;
  // The migration's statements for one engine (';'-separated).
  std::string (*sql)(SqlDialect dialect);
};

// Every migration, in order; the last one's version is what this binary writes.
const std::vector<Migration>& schema_migrations();
int latest_schema_version();

// The version the store is at: 0 for a new store.
Result<int> read_schema_version(SqlSession& sql);
// Brings the store to latest_schema_version(); a newer store is an error naming both versions.
Result<int> migrate(SqlSession& sql);

}  // namespace strata
