// The store's secret-hash key: 32 random bytes made when the store is created, kept in
// store_meta, with which every secret is hashed (HMAC-SHA256) before it is stored or asked
// about. A responder can ask "which images hold this key?" without the store holding keys, and
// the hashes in one store say nothing about secrets without its key.
//
//   auto key = load_or_create_secret_hash_key(sql);
//   std::string h = keyed_secret_hash(*key, secret);  // 64 lower-case hex digits
//
// Thread safety: pure functions over one session.
#pragma once

#include <string>
#include <string_view>

#include "sql_session.hpp"

namespace strata {

// Reads the key, creating it first in a new store (one transaction: two processes creating the
// store at once agree on one key).
Result<std::string> load_or_create_secret_hash_key(SqlSession& sql);

std::string keyed_secret_hash(std::string_view key, std::string_view secret);

}  // namespace strata
