#include "store_layer_cache.hpp"

#include <spdlog/spdlog.h>

#include "store_payload_key.hpp"

namespace strata::app {

namespace {

std::vector<BlobFinding> blob_findings(const std::vector<Finding>& findings) {
  std::vector<BlobFinding> out;
  for (const Finding& f : findings) {
    for (const Location& l : f.locations) {
      out.push_back(
          BlobFinding{.rule_id = f.rule_id,
                      .rule_name = f.rule_name,
                      .fingerprint = f.fingerprint,
                      .severity = f.severity,
                      .path = l.path,
                      .line = l.line,
                      .preview = f.secret_is_path ? f.secret.reveal() : f.secret.redacted(),
                      .secret = f.secret,
                      .secret_is_path = f.secret_is_path,
                      .checksum = f.checksum});
    }
  }
  return out;
}

}  // namespace

Result<std::optional<std::string>> StoreLayerCache::find(const std::string& layer_digest) {
  std::lock_guard lock(mutex_);
  auto scan = store_.find_layer_scan(layer_digest, rules_hash_);
  if (!scan) return fail(scan.error());
  if (!*scan) return std::optional<std::string>();
  return box_.open((*scan)->payload);
}

Status StoreLayerCache::put(const std::string& layer_digest, const std::string& payload,
                            const std::vector<Finding>& findings) {
  auto sealed = box_.seal(payload);
  if (!sealed) return fail(sealed.error());
  std::lock_guard lock(mutex_);
  LayerScanRecord record{.digest = layer_digest,
                         .rules_hash = rules_hash_,
                         .scanner_version = STRATA_VERSION,
                         .payload = std::move(*sealed)};
  return store_.put_layer_scan(record, blob_findings(findings));
}

std::unique_ptr<StoreLayerCache> make_store_layer_cache(Store& store, std::string rules_hash) {
  auto key = store_payload_key();
  if (!key) {
    spdlog::warn("layers are not kept in the store between runs (every layer is scanned): {}",
                 key.error().message);
    return nullptr;
  }
  return std::make_unique<StoreLayerCache>(store, std::move(rules_hash), std::move(*key));
}

}  // namespace strata::app
