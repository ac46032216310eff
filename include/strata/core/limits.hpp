// ScanLimits: every default bound of a scan, defined once. A limit that stops work is counted
// and reported, never silent.
#pragma once

#include <cstdint>

namespace strata {

struct ScanLimits {
  // Bytes of one file that are scanned; the rest is skipped (and counted). Files stream, so
  // this bounds time, not memory.
  uint64_t max_file_bytes = 2ull << 30;
  // Uncompressed bytes of one layer; protects against decompression bombs.
  uint64_t max_layer_bytes = 64ull << 30;
  // Uncompressed / compressed ratio past which a layer is treated as a bomb (checked once
  // 64 MiB have been decoded).
  uint64_t max_expansion_ratio = 1000;
  // Entries in one layer.
  uint64_t max_entries = 2'000'000;
  // Bytes of the paths of one layer's entries together (a directory scan's too). A walk keeps
  // every path until it ends (the fates need them), so this bounds that memory: a tar path
  // may be 1 MiB long, and 10,000 nested directories alone make 100 MB of paths.
  uint64_t max_path_bytes = 128ull << 20;
  // Nesting depth of archives inside layers (a.war!/WEB-INF/lib/b.jar!/x is depth 2); an
  // archive deeper than this is not opened (and is reported). 0 turns nested-archive scanning
  // off. max_file_bytes applies to nested files too, max_expansion_ratio to each nested archive.
  int max_nesting_depth = 3;
  // Bytes decoded from one nested archive (its entries' contents); a zip bomb stops here.
  uint64_t max_nested_bytes = 1ull << 30;
  // Entries in one nested archive.
  uint64_t max_nested_entries = 100'000;
  // JSON documents (manifests, configs, attestation layers) are read whole up to this size.
  uint64_t max_json_bytes = 64ull << 20;
  // Confirmed matches kept per file; more are counted as skipped.
  uint64_t max_matches_per_file = 1000;
};

}  // namespace strata
