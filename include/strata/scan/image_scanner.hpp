// Scanning: every image of a source, its config strings and every layer, through one shared
// MatchEngine; layers in parallel (one FileScanner per worker); results of a layer depend only
// on (layer digest, rule-set hash), so a layer shared by several images is scanned once; fates
// are computed per image afterwards, and each location's origin (base image or own build,
// base_attribution.hpp).
//
//   ScanReport r = scan_source(*source, *engine, options);
//   // r.findings, r.errors (non-empty => incomplete => exit 2)
//   scan_source(*source, *engine, options, sink);  // the same, as a FindingSink stream
//
// Thread safety: scan_source is reentrant; it starts and joins its own workers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/limits.hpp"
#include "strata/findings/finding.hpp"
#include "strata/findings/finding_sink.hpp"
#include "strata/findings/known_public.hpp"
#include "strata/findings/scan_report.hpp"
#include "strata/image/image_source.hpp"
#include "strata/match/match_engine.hpp"
#include "strata/scan/layer_cache.hpp"

namespace strata {

struct ScanOptions {
  int jobs = 0;  // 0: number of cores
  bool verify_diff_ids = false;
  const KnownPublicSecrets* known_public = nullptr;  // marks findings of public test keys
  bool default_path_allowlist = true;  // suppress generic matches in allowlisted paths
  ScanLimits limits;
  // Layer results kept between scans (layer_cache.hpp); layers found there are not read.
  LayerScanCache* layer_cache = nullptr;
  // A source that is a directory: its subdirectories (relative paths) not to walk, e.g. what a
  // .dockerignore excludes whole. Called on one thread.
  std::function<bool(const std::string& dir)> skip_directory;
};

// `images`, when given, receives the images scanned (history, config strings), so later passes
// such as remediation need not read the source again.
ScanReport scan_source(ImageSource& source, const MatchEngine& engine, const ScanOptions& options,
                       std::vector<Image>* images = nullptr);

// Several sources as one scan of their layers: the layers of all their images are deduplicated
// and spread over the workers together (a layer two sources share is scanned once; small
// images keep every core busy), then each source gets the report scan_source would give it.
// A source whose images cannot be read gets a report with that error. `images`, when given,
// receives each source's images. strata sweep scans a claimed batch of references this way.
std::vector<ScanReport> scan_sources(const std::vector<ImageSource*>& sources,
                                     const MatchEngine& engine, const ScanOptions& options,
                                     std::vector<std::vector<Image>>* images = nullptr);

// The same scan, its output pushed down `sink` (finding_sink.hpp) instead of returned.
void scan_source(ImageSource& source, const MatchEngine& engine, const ScanOptions& options,
                 FindingSink& sink, std::vector<Image>* images = nullptr);

}  // namespace strata
