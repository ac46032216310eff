// Scanning one layer: walk its tar (or directory) and stream every file through a FileScanner.
// The result depends only on the layer's bytes and the rule set, so it can be shared by every
// image that has the layer (and, later, cached by digest).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/extract/layer_walker.hpp"
#include "strata/image/image_source.hpp"
#include "strata/image/layer_changes.hpp"
#include "strata/match/match_engine.hpp"

namespace strata {

struct FileMatch {
  std::string path;
  SecretMatch match;
};

struct LayerScanResult {
  std::vector<FileMatch> matches;
  LayerChanges changes;
  WalkStats stats;
  std::optional<std::string> error;  // the walk stopped early; matches before it stand
};

// With `diff_id`, the uncompressed bytes are checked against it as well.
LayerScanResult scan_layer(ImageSource& source, const BlobDescriptor& blob, FileScanner& scanner,
                           const ScanLimits& limits, const Digest* diff_id = nullptr);

// Attestation layers are in-toto JSON documents, not tars: read whole (bounded) and return the
// text, or an error.
Result<std::string> read_json_layer(ImageSource& source, const BlobDescriptor& blob,
                                    const ScanLimits& limits);

}  // namespace strata
