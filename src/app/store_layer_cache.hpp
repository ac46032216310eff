// The findings store as the scan's layer cache (strata/scan/layer_cache.hpp): `strata sweep`
// and `strata scan --db` read every layer already scanned with the same rule set from the store
// (neither downloaded nor scanned again) and leave each layer they scan there, with its
// findings, in one transaction per layer. Payloads are sealed (store_payload_key.hpp): one that
// another key sealed reads as absent, and the layer is scanned again.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "strata/core/sealed_box.hpp"
#include "strata/scan/layer_cache.hpp"
#include "strata/store/store.hpp"

namespace strata::app {

class StoreLayerCache : public LayerScanCache {
 public:
  // `rules_hash`: the engine's (RuleSet::hash()); only its payloads are read and written.
  StoreLayerCache(Store& store, std::string rules_hash, std::string key)
      : store_(store), rules_hash_(std::move(rules_hash)), box_(std::move(key)) {}

  Result<std::optional<std::string>> find(const std::string& layer_digest) override;
  Status put(const std::string& layer_digest, const std::string& payload,
             const std::vector<Finding>& findings) override;

 private:
  std::mutex mutex_;  // the store's connection belongs to one thread at a time
  Store& store_;
  std::string rules_hash_;
  SealedBox box_;
};

// The store as the layer cache, sealed with store_payload_key(); null (and a warning logged:
// every layer is then scanned) when no key is at hand.
std::unique_ptr<StoreLayerCache> make_store_layer_cache(Store& store, std::string rules_hash);

}  // namespace strata::app
