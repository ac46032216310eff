#include "strata/findings/fingerprint_cache.hpp"

#include "strata/findings/finding.hpp"
#include "strata/findings/fingerprint.hpp"

namespace strata {
namespace {

std::string cache_key(const std::string& rule_id, std::string_view secret) {
  std::string key = rule_id;
  key.push_back('\0');
  key.append(secret);
  return key;
}

}  // namespace

FingerprintCache::FingerprintCache(size_t budget) : budget_(budget) {}

void FingerprintCache::prepare(const std::string& rule_id, std::string_view secret) {
  if (secret.size() >= kShortSecretBytes) return;  // a plain hash: nothing to gain
  std::string key = cache_key(rule_id, secret);
  {
    std::lock_guard lock(mutex_);
    if (budget_ == 0 || kept_.contains(key)) return;
    --budget_;
    kept_.emplace(key, std::string());
  }
  std::string fingerprint = finding_fingerprint(rule_id, SecretValue(std::string(secret)));
  std::lock_guard lock(mutex_);
  kept_[key] = std::move(fingerprint);
  ++derived_;
}

std::optional<std::string> FingerprintCache::find(const std::string& rule_id,
                                                  std::string_view secret) const {
  std::lock_guard lock(mutex_);
  auto it = kept_.find(cache_key(rule_id, secret));
  if (it == kept_.end() || it->second.empty()) return std::nullopt;
  ++found_;
  return it->second;
}

size_t FingerprintCache::derived() const {
  std::lock_guard lock(mutex_);
  return derived_;
}

size_t FingerprintCache::found() const {
  std::lock_guard lock(mutex_);
  return found_;
}

}  // namespace strata
