// Small helpers the store's files share: the clock, enum columns, globs as LIKE patterns.
//
// Thread safety: pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/findings/finding.hpp"

namespace strata {

int64_t now_seconds();  // Unix time

// Keys of the store's PostgreSQL advisory locks (SqlSession::lock_until_commit), shared by every
// process on one database: "strata" in ASCII, then what the lock guards.
constexpr int64_t kMigrationLock = 0x7374726174610001;  // applying schema migrations
constexpr int64_t kSweepLock = 0x7374726174610002;      // finding or starting a running sweep

// The elements of `items` ordered by their `fingerprint`: the order a transaction upserts
// findings in. Two PostgreSQL transactions upserting shared findings (a secret in two layers)
// then lock their rows in one order and cannot deadlock.
template <typename T>
std::vector<const T*> by_fingerprint(const std::vector<T>& items) {
  std::vector<const T*> ordered;
  ordered.reserve(items.size());
  for (const T& item : items) ordered.push_back(&item);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const T* a, const T* b) { return a->fingerprint < b->fingerprint; });
  return ordered;
}

// Fates are stored by name ("present", "deleted", …) so that people can read the tables.
std::optional<FateKind> parse_fate_name(std::string_view name);

// A glob ('*' any run, '?' one character) as a LIKE pattern with '\' as its escape character,
// so '%' and '_' in the glob match only themselves.
std::string glob_to_like(std::string_view glob);

// The smallest string greater than every string starting with `prefix` (empty: none), so
// that `x >= prefix AND x < upper` is an indexed prefix match in every SQL engine.
std::string prefix_upper_bound(std::string prefix);

}  // namespace strata
