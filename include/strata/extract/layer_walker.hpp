// Walking one layer: the compressed blob stream is decoded (compression sniffed from magic
// bytes: gzip, zstd or none), read as tar by libarchive through callbacks, and every entry is
// handed to an EntryVisitor as a stream of chunks. Nothing is extracted to disk and no layer
// or file is buffered whole. Whiteouts are recorded in LayerChanges, not visited.
//
//   class MyVisitor : public EntryVisitor { ... };
//   LayerChanges changes;
//   auto stats = walk_layer(*blob_stream, visitor, changes, limits);
//   if (!stats) log(stats.error().message);  // findings made before the error still stand
//
// Thread safety: one walk per thread; walks of different layers may run in parallel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/core/digest.hpp"
#include "strata/core/limits.hpp"
#include "strata/image/layer_changes.hpp"

namespace strata {

struct EntryInfo {
  std::string path;  // normalized (see normalize_layer_path)
  EntryType type = EntryType::kFile;
  int64_t size = 0;
  std::string link_target;  // symlinks and hardlinks
};

class EntryVisitor {
 public:
  virtual ~EntryVisitor() = default;
  // Called for every entry but whiteouts. Returning kStop skips this entry's data.
  virtual Control on_entry(const EntryInfo& entry) = 0;
  // The file's bytes in order, in chunks of any size (only for files whose on_entry continued).
  virtual Control on_data(std::string_view chunk) = 0;
  // After the last chunk of an entry whose on_entry continued (also for non-files).
  virtual void on_entry_end() = 0;
};

struct WalkStats {
  uint64_t entries = 0;
  uint64_t files = 0;
  uint64_t bytes_in = 0;             // compressed bytes read from the blob
  uint64_t bytes_decoded = 0;        // tar bytes after decompression
  uint64_t file_bytes = 0;           // file content bytes handed to the visitor
  std::vector<std::string> skipped;  // what limits stopped: "app/big.bin: file larger than …"
};

enum class Compression { kNone, kGzip, kZstd };

// Detects compression from the first bytes of a blob.
Compression sniff_compression(std::string_view head);
const char* compression_name(Compression c);

// A decoder: reads compressed bytes from `inner`, yields decoded bytes. Handles multi-member
// gzip. The seam where a faster gzip (ISA-L) plugs in.
Result<std::unique_ptr<ByteStream>> make_decoder(Compression c, std::unique_ptr<ByteStream> inner);

// Decodes `blob` (compression sniffed) and walks it as a tar. Whatever the visitor saw before
// an error stands; the error names the entry where it happened. With `expected_diff_id`, the
// decoded bytes are hashed too and a mismatch with it is an error at the end.
Result<WalkStats> walk_layer(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                             LayerChanges& changes, const ScanLimits& limits,
                             const Digest* expected_diff_id = nullptr);

// Walks a directory tree on disk as if it were one layer (symlinks are not followed).
Result<WalkStats> walk_directory(const std::string& root, EntryVisitor& visitor,
                                 LayerChanges& changes, const ScanLimits& limits);

}  // namespace strata
