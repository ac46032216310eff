// The bytes the findings store keeps per scanned layer (its scan cache): everything every image
// that has the layer needs of it (matches, built-in hits, the footprint the fates read, counts
// and skipped notes), so an image is assembled from stored layers without reading them.
// Rules are named by id, not by index, so a payload never points at the wrong rule.
//
//   std::string bytes = encode_layer_result(result, engine.rules());
//   std::optional<LayerScanResult> back = decode_layer_result(bytes, engine.rules());
//
// Only complete results are stored (no error, nothing incomplete): a layer that failed is
// scanned again next time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "layer_scan.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

std::string encode_layer_result(const LayerScanResult& result, const RuleSet& rules);

// nullopt when the bytes are not a payload this format wrote, or name a rule `rules` lacks.
std::optional<LayerScanResult> decode_layer_result(std::string_view bytes, const RuleSet& rules);

}  // namespace strata
