// LayerScanCache: where scan_source looks for a layer's result before it reads the layer, and
// leaves each result it made. A layer's result depends only on its digest and the rule set, so a
// layer found here is neither downloaded nor scanned; the image's findings and fates are
// assembled from the stored result as from a fresh one. The findings store implements it for
// `strata sweep` and `scan --db` (src/app/store_layer_cache).
//
// Keys are blob digests the image recorded (the bytes were checked against them); a layer
// without one (an unpacked directory) is never looked up. An implementation is bound to one
// rule set (the engine's): the payload of another rule set is never handed back.
//
// Thread safety: find() is called from the scan's worker threads at once; put() from the thread
// that called scan_source, after the findings are merged (so each layer's findings carry their
// fingerprints). Implementations serialize what they must.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

class LayerScanCache {
 public:
  virtual ~LayerScanCache() = default;
  // The payload put for this layer, if any. An error is a warning of the scan, which then scans
  // the layer.
  virtual Result<std::optional<std::string>> find(const std::string& layer_digest) = 0;
  // A complete scan of the layer: its payload, and its findings (fingerprinted; one location per
  // match, with path and line) for the store's own records.
  virtual Status put(const std::string& layer_digest, const std::string& payload,
                     const std::vector<Finding>& findings) = 0;
};

}  // namespace strata
