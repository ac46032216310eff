// ScanReport: everything one scan found and how it went (images read, merged findings, errors,
// what limits skipped, warnings, statistics) — what the reporters render and the exit code
// is decided from. The scan builds it (scan_source) or streams it to a FindingSink
// (finding_sink.hpp); it holds plain values only, so the reporters need nothing of the scan.
//
//   ScanReport r = scan_source(*source, *engine, options);
//   if (!r.errors.empty()) ...;  // incomplete: exit 2
//   write_json_report(r, std::cout, report_options);
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/findings/finding.hpp"

namespace strata {

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

// Where a pipelined layer walk's threads spent their time, in seconds (for -vv): CPU time of
// the walking thread (decoding, tar parsing, and the `walker_files` it scanned itself), of the
// blob reader and of the scanning thread, and how long the walking and the scanning thread
// each waited on the other. The numbers of the walk's own statistics, without the walk.
struct PipelineTimes {
  double walker_cpu = 0;
  double walker_waited = 0;  // for free room: the scanning side was behind
  double reader_cpu = 0;
  double visitor_cpu = 0;
  double visitor_waited = 0;  // for data: the walking side was behind
  uint64_t walker_files = 0;
  size_t scanning_threads = 0;  // visitor_cpu and visitor_waited are summed over them
};

// How long one layer took, and with a pipelined walk where its threads spent it (for -vv).
struct LayerTiming {
  std::string layer;
  double seconds = 0;
  std::optional<PipelineTimes> pipeline;  // unset when the walk ran on one thread
};

struct ScanStats {
  uint64_t images = 0;
  uint64_t layers = 0;         // distinct layers scanned
  uint64_t layers_cached = 0;  // of those, results read from a layer cache, not the layers
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

}  // namespace strata
