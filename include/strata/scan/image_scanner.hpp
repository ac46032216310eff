// Scanning: every image of a source, its config strings and every layer, through one shared
// MatchEngine; layers in parallel (one FileScanner per worker); results of a layer depend only
// on (layer digest, rule-set hash), so a layer shared by several images is scanned once; fates
// are computed per image afterwards, and each location's origin (base image or own build,
// base_attribution.hpp).
//
//   ScanReport r = scan_source(*source, *engine, options);
//   // r.findings, r.errors (non-empty => incomplete => exit 2)
//
// Thread safety: scan_source is reentrant; it starts and joins its own workers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/limits.hpp"
#include "strata/extract/layer_walker.hpp"
#include "strata/findings/finding.hpp"
#include "strata/findings/known_public.hpp"
#include "strata/image/image_source.hpp"
#include "strata/match/match_engine.hpp"

namespace strata {

struct ScanOptions {
  int jobs = 0;  // 0: number of cores
  bool verify_diff_ids = false;
  const KnownPublicSecrets* known_public = nullptr;  // marks findings of public test keys
  bool default_path_allowlist = true;  // suppress generic matches in allowlisted paths
  ScanLimits limits;
};

struct ImageSummary {
  std::string source;
  std::string reference;
  std::string platform;
  std::string manifest_digest;
  std::string config_digest;
  bool is_attestation = false;
  int layers = 0;
  bool history_mapped = false;
  // The base image, when the image records it (annotations, labels or buildah's history).
  std::string base_name;
  std::string base_digest;
  std::optional<int> first_own_layer;  // layers before it came with the base image
};

// How long one layer took, and with a pipelined walk where its threads spent it (for -vv).
struct LayerTiming {
  std::string layer;
  double seconds = 0;
  std::optional<PipelineStats> pipeline;
};

struct ScanStats {
  uint64_t images = 0;
  uint64_t layers = 0;  // distinct layers scanned
  uint64_t files = 0;
  uint64_t bytes_compressed = 0;
  uint64_t bytes_scanned = 0;
  uint64_t config_strings = 0;
  double seconds = 0;
  double layers_seconds = 0;  // of `seconds`, until every layer was scanned (then findings merge)
  std::vector<LayerTiming> layer_timings;  // in the order the layers were scanned
};

struct ScanReport {
  std::vector<ImageSummary> images;
  std::vector<Finding> findings;      // merged and sorted
  std::vector<std::string> errors;    // the scan is incomplete when non-empty
  std::vector<std::string> skipped;   // what limits stopped
  std::vector<std::string> warnings;  // e.g. an expired ignore-file entry; not an error
  std::string rules_hash;
  ScanStats stats;
};

// `images`, when given, receives the images scanned (history, config strings), so later passes
// such as remediation need not read the source again.
ScanReport scan_source(ImageSource& source, const MatchEngine& engine, const ScanOptions& options,
                       std::vector<Image>* images = nullptr);

}  // namespace strata
