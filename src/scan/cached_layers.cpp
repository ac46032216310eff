#include "cached_layers.hpp"

#include <map>

#include "layer_result_codec.hpp"

namespace strata {

namespace {

using FindingKey = std::pair<std::string_view, std::string_view>;  // rule id, secret

// The findings of one layer as the store records them: each merged finding's identity (copied
// once: a generic secret may have thousands of locations), with a location per match in the layer.
class LayerFindings {
 public:
  LayerFindings(const std::string& digest, const std::vector<Finding>& merged)
      : digest_(digest), merged_(merged) {
    for (size_t i = 0; i < merged.size(); ++i) {
      index_.emplace(FindingKey{merged[i].rule_id, merged[i].secret.reveal()}, i);
    }
  }

  void add(std::string_view rule_id, std::string_view secret, const std::string& path,
           uint64_t offset, uint64_t line, uint64_t column) {
    auto it = index_.find(FindingKey{rule_id, secret});
    if (it == index_.end()) return;  // a rule not selected
    auto [at, added] = position_.try_emplace(it->second, out_.size());
    if (added) out_.push_back(identity_of(merged_[it->second]));
    Location l;
    l.kind = LocationKind::kLayerFile;
    l.layer_digest = digest_;
    l.path = path;
    l.offset = offset;
    l.line = line;
    l.column = column;
    out_[at->second].locations.push_back(std::move(l));
  }

  std::vector<Finding> take() { return std::move(out_); }

 private:
  static Finding identity_of(const Finding& f) {
    Finding out;
    out.rule_id = f.rule_id;
    out.rule_name = f.rule_name;
    out.severity = f.severity;
    out.confidence = f.confidence;
    out.checksum = f.checksum;
    out.secret = f.secret;
    out.secret_is_path = f.secret_is_path;
    out.suppression = f.suppression;
    out.fingerprint = f.fingerprint;
    return out;
  }

  const std::string& digest_;
  const std::vector<Finding>& merged_;
  std::map<FindingKey, size_t> index_;
  std::map<size_t, size_t> position_;  // merged index -> position in out_
  std::vector<Finding> out_;
};

std::vector<Finding> layer_findings(const std::string& digest, const LayerScanResult& result,
                                    const std::vector<Finding>& merged, const MatchEngine& engine) {
  LayerFindings out(digest, merged);
  for (const FileMatch& m : result.matches) {
    out.add(engine.rules().rules[m.match.rule_index].id, m.match.secret, m.path,
            m.match.secret_start, m.match.line, m.match.column);
  }
  for (const BuiltinHit& hit : result.builtin) {
    out.add(hit.rule_id, hit.secret, hit.path, hit.offset, hit.line, hit.column);
  }
  return out.take();
}

}  // namespace

std::optional<std::string> layer_cache_key(const Layer& layer) {
  if (layer.descriptor().digest.empty() || layer.unpacked_root() || layer.not_served()) {
    return std::nullopt;
  }
  return layer.descriptor().digest.str();
}

std::optional<LayerScanResult> cached_layer_result(LayerScanCache& cache, const Layer& layer,
                                                   const MatchEngine& engine,
                                                   std::string& warning) {
  std::optional<std::string> key = layer_cache_key(layer);
  if (!key) return std::nullopt;
  auto payload = cache.find(*key);
  if (!payload) {
    warning = "layer " + layer.short_name() +
              ": scanned, not read from the store: " + payload.error().message;
    return std::nullopt;
  }
  if (!*payload) return std::nullopt;
  std::optional<LayerScanResult> result = decode_layer_result(**payload, engine.rules());
  if (result) result->from_cache = true;
  return result;
}

void put_layer_results(LayerScanCache& cache, const std::vector<const Layer*>& layers,
                       const std::vector<const LayerScanResult*>& results,
                       const std::vector<Finding>& merged, const MatchEngine& engine,
                       std::vector<std::string>& warnings) {
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerScanResult& r = *results[i];
    std::optional<std::string> key = layer_cache_key(*layers[i]);
    if (!key || r.from_cache || r.error || !r.incomplete.empty()) continue;
    Status put = cache.put(*key, encode_layer_result(r, engine.rules()),
                           layer_findings(*key, r, merged, engine));
    if (!put) {
      warnings.push_back(
          "layer " + layers[i]->short_name() +
          ": not kept in the store (it is scanned again next time): " + put.error().message);
    }
  }
}

}  // namespace strata
