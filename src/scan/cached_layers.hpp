// scan_source's side of the LayerScanCache seam (strata/scan/layer_cache.hpp): which layers are
// cached and under what key, reading a result back, and leaving the results scanned now.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "layer_scan.hpp"
#include "strata/findings/finding.hpp"
#include "strata/scan/layer_cache.hpp"

namespace strata {

// The digest `layer` is cached under, or nullopt when it is not cached (no digest: an unpacked
// directory; or a layer this machine cannot read).
std::optional<std::string> layer_cache_key(const Layer& layer);

// The stored result of `layer`, or nullopt: not stored, unreadable (a payload of another
// format), or the cache failed (then `warning` says why).
std::optional<LayerScanResult> cached_layer_result(LayerScanCache& cache, const Layer& layer,
                                                   const MatchEngine& engine, std::string& warning);

// Leaves in the cache every layer scanned now and completely, with its findings: one per
// match or built-in hit, fingerprinted as in `merged` (the scan's merged findings). A failure
// is a warning: that layer is scanned again next time.
void put_layer_results(LayerScanCache& cache, const std::vector<const Layer*>& layers,
                       const std::vector<const LayerScanResult*>& results,
                       const std::vector<Finding>& merged, const MatchEngine& engine,
                       std::vector<std::string>& warnings);

}  // namespace strata
