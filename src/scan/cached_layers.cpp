#include "cached_layers.hpp"

#include <map>

#include "layer_result_codec.hpp"

namespace strata {

namespace {

using FindingKey = std::pair<std::string_view, std::string_view>;  // rule id, secret

std::map<FindingKey, const Finding*> by_rule_and_secret(const std::vector<Finding>& merged) {
  std::map<FindingKey, const Finding*> out;
  for (const Finding& f : merged) out.emplace(FindingKey{f.rule_id, f.secret.reveal()}, &f);
  return out;
}

// The finding of one match as the store records it: the merged finding's identity, one
// location inside the layer.
void add_layer_finding(const Finding& merged, const std::string& digest, const std::string& path,
                       uint64_t offset, uint64_t line, uint64_t column, std::vector<Finding>& out) {
  Finding f = merged;
  f.locations.clear();
  Location l;
  l.kind = LocationKind::kLayerFile;
  l.layer_digest = digest;
  l.path = path;
  l.offset = offset;
  l.line = line;
  l.column = column;
  f.locations.push_back(std::move(l));
  out.push_back(std::move(f));
}

std::vector<Finding> layer_findings(const std::string& digest, const LayerScanResult& result,
                                    const std::map<FindingKey, const Finding*>& merged,
                                    const MatchEngine& engine) {
  std::vector<Finding> out;
  for (const FileMatch& m : result.matches) {
    const std::string& rule = engine.rules().rules[m.match.rule_index].id;
    auto it = merged.find(FindingKey{rule, m.match.secret});
    if (it == merged.end()) continue;
    add_layer_finding(*it->second, digest, m.path, m.match.secret_start, m.match.line,
                      m.match.column, out);
  }
  for (const BuiltinHit& hit : result.builtin) {
    auto it = merged.find(FindingKey{hit.rule_id, hit.secret});
    if (it == merged.end()) continue;  // a rule not selected
    add_layer_finding(*it->second, digest, hit.path, hit.offset, hit.line, hit.column, out);
  }
  return out;
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
                       const std::vector<LayerScanResult>& results,
                       const std::vector<Finding>& merged, const MatchEngine& engine,
                       std::vector<std::string>& warnings) {
  std::map<FindingKey, const Finding*> by_key;
  bool indexed = false;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerScanResult& r = results[i];
    std::optional<std::string> key = layer_cache_key(*layers[i]);
    if (!key || r.from_cache || r.error || !r.incomplete.empty()) continue;
    if (!indexed) {
      by_key = by_rule_and_secret(merged);
      indexed = true;
    }
    Status put = cache.put(*key, encode_layer_result(r, engine.rules()),
                           layer_findings(*key, r, by_key, engine));
    if (!put) {
      warnings.push_back(
          "layer " + layers[i]->short_name() +
          ": not kept in the store (it is scanned again next time): " + put.error().message);
    }
  }
}

}  // namespace strata
