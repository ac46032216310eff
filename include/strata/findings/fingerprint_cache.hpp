// FingerprintCache: slow (PBKDF2) fingerprints of short secrets worked out while the layers
// are still being scanned, by the scanning threads as they find them (in a pipelined walk the
// scanning thread waits for data much of the time, so this mostly fills time that would go
// idle), so that merge_findings does not derive them all once the scan is over. It only saves
// time: merge_findings decides which findings get a real fingerprint exactly as without it.
// Thread-safe; at most `budget` derivations ever run through one cache.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace strata {

class FingerprintCache {
 public:
  explicit FingerprintCache(size_t budget);

  // Derives and keeps the fingerprint of a short secret found by `rule_id`, unless it is kept
  // (or being derived) already, the secret is not short, or the budget is spent.
  void prepare(const std::string& rule_id, std::string_view secret);
  // The kept fingerprint, if its derivation is complete.
  std::optional<std::string> find(const std::string& rule_id, std::string_view secret) const;
  size_t derived() const;  // derivations run
  size_t found() const;    // finds answered

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> kept_;  // key -> fingerprint ("" while derived)
  size_t budget_;
  size_t derived_ = 0;
  mutable size_t found_ = 0;
};

}  // namespace strata
