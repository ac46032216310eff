// Walking one layer: the compressed blob stream is decoded (compression sniffed from magic
// bytes: gzip, zstd or none), read as tar (by TarReader; by libarchive from the first entry
// TarReader does not take on), and every entry is handed to an EntryVisitor as a stream of
// chunks. Nothing is extracted to disk and no layer or file is buffered whole. Whiteouts are
// recorded in LayerChanges, not visited.
//
//   class MyVisitor : public EntryVisitor { ... };
//   LayerChanges changes;
//   auto stats = walk_layer(*blob_stream, visitor, changes, limits);
//   if (!stats) log(stats.error().message);  // findings made before the error still stand
//
// Thread safety: one walk per thread; walks of different layers may run in parallel.
//
// Nested archives. A file named like an archive (.jar .war .ear .zip .whl .egg .apk .nupkg:
// zip; .tar; .tar.gz .tgz .tar.zst .tzst: tar, compression sniffed from magic bytes; .gz .zst:
// one compressed file) is opened as a stream while its own bytes stream, when the visitor's
// nested_visitor() offers a visitor for its entries. The protocol then is:
//   outer.on_entry("app/a.war")            (continued)
//     outer.on_data(raw chunk)...          the archive file's exact bytes, as for any file,
//     inner.on_entry("app/a.war!/WEB-INF/web.xml"), inner.on_data..., inner.on_entry_end()
//     outer.on_data(raw chunk)...          interleaved with the inner visitor's calls
//     inner.on_entry(...) ...
//   outer.on_entry_end()
// where inner = outer.nested_visitor(). Each visitor on its own always sees one entry at a
// time; entries of an archive inside a nested archive go to inner.nested_visitor() (one
// visitor per depth). Nested paths read "<archive path>!/<entry path>" (the content of
// "x.log.gz" is "x.log.gz!/x.log"); whiteout names inside them are ordinary files. Nested
// entries are not recorded in LayerChanges (a nested file's fate is its archive's) and
// do not count towards max_entries. A nested archive that cannot be read, or that a limit
// stops (max_nesting_depth, max_nested_bytes, max_nested_entries, max_expansion_ratio), is
// recorded in WalkStats::skipped ("app/a.jar: nested zip: <reason>") and never fails the
// walk; its raw bytes are still visited and hashed in full. Only a failure of the layer
// itself fails the walk; before it returns, nested visitors' open entries are ended.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/core/digest.hpp"
#include "strata/core/limits.hpp"
#include "strata/image/layer.hpp"
#include "strata/image/layer_changes.hpp"

namespace strata {

struct EntryInfo {
  std::string path;  // normalized (see normalize_image_path)
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
  // The visitor for the entries of archives found in this visitor's files (see "Nested
  // archives" above), asked after on_entry of each archive file that continued and lies within
  // max_nesting_depth; nullptr (the default) leaves archives unopened. The visitor returned
  // must stay valid until the walk returns.
  virtual EntryVisitor* nested_visitor() { return nullptr; }
};

struct WalkStats {
  uint64_t entries = 0;
  uint64_t files = 0;
  uint64_t bytes_in = 0;             // compressed bytes read from the blob
  uint64_t bytes_decoded = 0;        // tar bytes after decompression
  uint64_t file_bytes = 0;           // file content bytes handed to the visitor
  std::vector<std::string> skipped;  // what limits stopped: "app/big.bin: file larger than …"
  uint64_t nested_archives = 0;      // nested archives opened (at any depth)
  uint64_t nested_entries = 0;       // entries read from them (file_bytes counts their bytes)
};

enum class Compression { kNone, kGzip, kZstd };

// Detects compression from the first bytes of a blob.
Compression sniff_compression(std::string_view head);
const char* compression_name(Compression c);

// A decoder: reads compressed bytes from `inner`, yields decoded bytes. Handles multi-member
// gzip. The seam where a faster gzip (ISA-L) plugs in. `digest_verified`: `inner` is checked
// as it streams against a digest the image recorded (Layer::compressed() of a layer whose
// BlobDescriptor::digest_recorded is set), so gzip's own CRC-32 of the output is not computed
// (the trailer's length is still checked); zstd's checksum is always checked.
Result<std::unique_ptr<ByteStream>> make_decoder(Compression c, std::unique_ptr<ByteStream> inner,
                                                 bool digest_verified = false);

// A layer's uncompressed bytes (its tar): Layer::compressed() decoded, the compression sniffed
// from its magic bytes. Fails for an unpacked directory, which has no blob.
Result<std::unique_ptr<ByteStream>> open_uncompressed(const Layer& layer);

// Decodes `blob` (compression sniffed) and walks it as a tar. Whatever the visitor saw before
// an error stands; the error names the entry where it happened. With `expected_diff_id`, the
// decoded bytes are hashed too and a mismatch with it is an error at the end.
// `digest_verified`: `blob` is checked against its digest as it streams (see make_decoder).
Result<WalkStats> walk_layer(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                             LayerChanges& changes, const ScanLimits& limits,
                             const Digest* expected_diff_id = nullptr,
                             bool digest_verified = false);

// Where a pipelined walk's threads spent their time (seconds), for -vv: CPU time of the
// walking thread (decoding, tar parsing, and the files it scanned itself), of the blob reader
// (digest check, page-cache copies) and of the visiting threads (the calling thread and those
// of PipelineOptions::more_visitors, summed), and how long the walking and the visiting
// threads waited on each other. `threaded` is false when the walk could not
// start its threads and ran on the calling thread alone (the rest is then zero).
struct PipelineStats {
  bool threaded = false;
  double walker_cpu = 0;
  double walker_waited = 0;  // for a free batch or decoded block: the calling side was behind
  double reader_cpu = 0;
  double visitor_cpu = 0;
  double visitor_waited = 0;  // for a full batch: the walking side was behind
  uint64_t walker_files = 0;  // files the walking thread visited itself
  size_t visiting_threads = 0;
};

// How much a pipelined walk keeps in flight. File data lying in the decoded layer's blocks
// (256 KiB each) travels as views of them: at most max(4, batches x batch_bytes / 256 KiB) blocks
// are in use, cut from 2 MiB slabs (the last one may be partly unused). Other data (the
// decompressed entries of nested archives, sparse holes) is copied into the batches: at most
// batch_bytes per batch, allocated only when a batch needs it. So at most 2 x batches x
// batch_bytes in all (plus 2 MiB), and batches x batch_bytes for a layer without nested
// compressed archives. A batch is handed over once it refers to batch_bytes of
// blocks or of copies, holds half the blocks, or has 4096 events.
// `prefetch`: the blob is also read ahead on a thread of its own (the source's digest check and
// copies then leave the decoding thread).
// `more_visitors`: visitors called each on a thread of its own besides the calling thread's,
// so one layer's files are scanned on as many threads: each top-level entry goes whole (nested
// archives included) to the visitor with the least data in hand; the batches are shared among
// them. A visitor whose thread cannot be started is left out.
// `walker_visitor`: one more visitor, called on the walking thread for the files it takes
// while every visiting thread is behind (every batch or every block is in flight) — files up
// to `walker_file_bytes`, whole, nested archives included. Without it the walker waits for a
// free batch or block. The visitors together see every entry once; each sees all of some files.
struct PipelineOptions {
  size_t batches = 8;
  size_t batch_bytes = 512 << 10;
  bool prefetch = true;
  std::vector<EntryVisitor*> more_visitors = {};
  EntryVisitor* walker_visitor = nullptr;
  uint64_t walker_file_bytes = 1 << 20;
  bool digest_verified = false;    // as walk_layer's
  PipelineStats* stats = nullptr;  // filled when set
};

// walk_layer with decoding and tar parsing on a helper thread and the visitor called on the
// calling thread (so a visitor's per-thread state, e.g. a Hyperscan scratch, stays there): the
// two run in parallel with a bounded amount of file data between them. The visitor sees
// the same calls, in the same order, as from walk_layer, with these differences: its
// nested_visitor() is asked once per depth, from the helper thread (it must not race with the
// visitor's other calls); and since the walker runs ahead, a kStop only skips the calls still to
// come (the bytes are still decoded and counted in WalkStats::file_bytes, and an archive whose
// on_entry stopped is still opened). An error of the walk comes after every call made before it.
// With `more_visitors` (or a walker visitor), each visitor sees the calls of the entries it was
// given, in the walk's order.
Result<WalkStats> walk_layer_pipelined(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                                       LayerChanges& changes, const ScanLimits& limits,
                                       const Digest* expected_diff_id = nullptr,
                                       const PipelineOptions& options = {});

// Walks a directory tree on disk as if it were one layer (symlinks are not followed): entries
// depth-first, each directory's names in byte order; only regular files are opened.
Result<WalkStats> walk_directory(const std::string& root, EntryVisitor& visitor,
                                 LayerChanges& changes, const ScanLimits& limits);

// The visitors of a walk_directory on several threads. The calling thread lists the tree and
// queues its entries (at most `queued_entries` at a time, so memory does not grow with the
// tree); each worker thread takes the next entry, reads a file whole (nested archives
// included) and streams it to its own visitor, so a big file does not hold up the small ones
// after it. `before_entry(worker, rank)` is called on the worker's thread before
// visitors[worker] sees an entry: ranks increase in walk_directory's order, for the caller to
// put what its visitors saw back in that order. The WalkStats and LayerChanges are the same
// as from walk_directory (skipped entries listed in its order). With one visitor, or when no
// thread can be started, the calling thread visits every entry with visitors[0]. A visitor's
// exception stops the walk and is rethrown on the calling thread.
struct DirectoryWorkers {
  std::vector<EntryVisitor*> visitors;  // one per worker thread, at least one
  std::function<void(size_t worker, uint64_t rank)> before_entry;  // optional
  size_t queued_entries = 1024;
  // Optional, called on the calling thread: a directory (its path relative to the root) for
  // which it returns true is visited but not descended into (nothing beneath it is listed).
  std::function<bool(const std::string& dir)> skip_directory;
};
Result<WalkStats> walk_directory(const std::string& root, const DirectoryWorkers& workers,
                                 LayerChanges& changes, const ScanLimits& limits);

}  // namespace strata
