// Scanning one layer: walk its tar (or unpacked directory) and stream every file through a
// FileScanner. The result depends only on the layer's bytes and the rule set, so it can be shared
// by every image that has the layer (and, later, cached by digest).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "strata/extract/layer_walker.hpp"
#include "strata/image/layer.hpp"
#include "strata/image/layer_changes.hpp"
#include "strata/image/layer_footprint.hpp"
#include "strata/match/match_engine.hpp"

namespace strata {

class FingerprintCache;

struct FileMatch {
  std::string path;
  SecretMatch match;
};

// A finding made by a built-in check rather than a rule pattern: a secret file recognised by
// its path, or a credential decoded from a Docker config's base64 `auth`.
struct BuiltinHit {
  std::string path;
  std::string rule_id;  // a rule of builtin_rules()
  std::string secret;   // the path itself for secret files
  bool secret_is_path = false;
  uint64_t offset = 0;
  uint64_t line = 0;
  uint64_t column = 0;
};

struct LayerScanResult {
  std::vector<FileMatch> matches;
  std::vector<BuiltinHit> builtin;
  LayerChanges changes;      // what the walk recorded; emptied once the footprint is made
  LayerFootprint footprint;  // what the fates need of it (hashed paths)
  WalkStats stats;
  // The layer was not scanned completely: the walk stopped early, or files were not fully
  // scanned (`incomplete`). Matches found stand.
  std::optional<std::string> error;
  // "path: reason" of each file the scanner could not fully scan (FileScanner::problems);
  // also listed in stats.skipped.
  std::vector<std::string> incomplete;
  double seconds = 0;
  bool from_cache = false;                // read from a LayerScanCache, not scanned now
  std::optional<PipelineStats> pipeline;  // when the walk was pipelined
};

// How a layer is scanned. `pipelined`: decode and tar parsing run on a helper thread while
// the calling one scans (a tar layer only; the result is the same either way), with
// `pipeline_batches` batches of file data in flight. With `fingerprints`, the slow fingerprints
// of short secrets are derived into it as they are found.
struct LayerScanOptions {
  // An unpacked directory's subdirectories not to walk (DirectoryWorkers::skip_directory).
  std::function<bool(const std::string& dir)> skip_directory;
  bool pipelined = false;
  size_t pipeline_batches = PipelineOptions{}.batches;
  FingerprintCache* fingerprints = nullptr;
  // Threads scanning an unpacked directory's files (each with its own scanner); the result is
  // the same with any number.
  size_t directory_workers = 1;
  // Threads scanning a pipelined layer's files (the calling one and more, each with its own
  // scanner); the result is the same with any number.
  size_t layer_scanners = 1;
};

// With `diff_id`, the uncompressed bytes are checked against it as well.
// `scanner` is the calling worker's (made from `engine`); archives nested in the layer's files
// get scanners of their own.
LayerScanResult scan_layer(const Layer& layer, const MatchEngine& engine, FileScanner& scanner,
                           const ScanLimits& limits, const Digest* diff_id = nullptr,
                           const LayerScanOptions& options = {});

// The error for scanned items (files, strings) listed in `incomplete` as "item: reason": it
// names the first (the rest are listed as skipped); empty when `incomplete` is.
std::string incompleteness_error(const std::vector<std::string>& incomplete);

// Attestation layers are in-toto JSON documents, not tars: read whole (bounded) and return the
// text, or an error.
Result<std::string> read_json_layer(const Layer& layer, const ScanLimits& limits);

}  // namespace strata
