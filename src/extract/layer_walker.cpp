// walk_layer: sniff -> decode -> TarReader (libarchive from the first entry it does not take on)
// -> EntryVisitor.
#include "strata/extract/layer_walker.hpp"

#include <algorithm>
#include <cerrno>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "archive_support.hpp"
#include "decoded_block_pool.hpp"
#include "file_data_feed.hpp"
#include "nested_archive.hpp"
#include "strata/core/image_path.hpp"
#include "tar_reader.hpp"
#include "whiteout.hpp"

namespace strata {
namespace {

constexpr size_t kHeadSize = 512;
// The expansion ratio is only meaningful once enough has been decoded.
constexpr uint64_t kRatioCheckAfter = 64ull << 20;

// Counts the compressed bytes read from the blob.
class CountingStream final : public ByteStream {
 public:
  CountingStream(std::unique_ptr<ByteStream> inner, uint64_t& count)
      : inner_(std::move(inner)), count_(count) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    auto n = inner_->read(buffer, capacity);
    if (n) count_ += *n;
    return n;
  }
  bool lends() const override { return inner_->lends(); }
  Result<std::string_view> lend(size_t max) override {
    auto view = inner_->lend(max);
    if (view) count_ += view->size();
    return view;
  }

 private:
  std::unique_ptr<ByteStream> inner_;
  uint64_t& count_;
};

// Replays the sniffed head, then continues with the rest of the stream; or, when reading the
// head failed part way, fails with that error after the bytes read before it (a short blob
// whose digest or size is wrong still has its files scanned, then fails).
class ReplayStream final : public ByteStream {
 public:
  ReplayStream(std::string head, std::unique_ptr<ByteStream> rest,
               std::optional<Error> failure = std::nullopt)
      : head_(std::move(head)), rest_(std::move(rest)), failure_(std::move(failure)) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    if (pos_ < head_.size()) {
      size_t n = std::min(capacity, head_.size() - pos_);
      std::copy_n(head_.data() + pos_, n, buffer);
      pos_ += n;
      return n;
    }
    if (failure_) return fail(*failure_);
    return rest_->read(buffer, capacity);
  }
  bool lends() const override { return rest_->lends(); }
  Result<std::string_view> lend(size_t max) override {
    if (pos_ < head_.size()) {
      size_t n = std::min(max, head_.size() - pos_);
      std::string_view view(head_.data() + pos_, n);
      pos_ += n;
      return view;
    }
    if (failure_) return fail(*failure_);
    return rest_->lend(max);
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  std::unique_ptr<ByteStream> rest_;
  std::optional<Error> failure_;
};

// The decoded layer as blocks, enforcing the layer-size and expansion limits and, with
// --verify-diff-ids, hashing every decoded byte.
class LayerBlocks final : public BlockSource {
 public:
  LayerBlocks(ByteStream& decoded, WalkStats& stats, const ScanLimits& limits, bool hash,
              DecodedBlockPool* pool)
      : blocks_(pool ? std::unique_ptr<BlockSource>(new PooledStreamBlocks(decoded, *pool))
                     : std::make_unique<StreamBlocks>(decoded, kDecodedBlockBytes)),
        stats_(stats),
        limits_(limits),
        hasher_(hash ? std::make_unique<Sha256>() : nullptr) {}

  Result<std::string_view> next() override {
    auto block = blocks_->next();
    if (!block) return block;
    if (hasher_) hasher_->update(*block);
    stats_.bytes_decoded += block->size();
    if (stats_.bytes_decoded > limits_.max_layer_bytes) {
      return fail("decoded layer exceeds max_layer_bytes (" +
                  std::to_string(limits_.max_layer_bytes) + " bytes)");
    }
    if (stats_.bytes_decoded >= kRatioCheckAfter &&
        stats_.bytes_decoded / std::max<uint64_t>(stats_.bytes_in, 1) >
            limits_.max_expansion_ratio) {
      return fail("decompression ratio exceeds max_expansion_ratio (" +
                  std::to_string(limits_.max_expansion_ratio) + ":1); decompression bomb?");
    }
    return block;
  }

  // The digest of every decoded byte (once the blocks are exhausted), or nullopt if not asked.
  std::optional<Digest> digest() {
    return hasher_ ? std::optional(hasher_->finish()) : std::nullopt;
  }

 private:
  std::unique_ptr<BlockSource> blocks_;
  WalkStats& stats_;
  const ScanLimits& limits_;
  std::unique_ptr<Sha256> hasher_;
};

// The error behind a failed libarchive call: ours (decoder, limit) if we set one, else
// libarchive's own.
Error archive_failure(archive* a, const BlockReadCallback& src) {
  if (src.error) return *src.error;
  const char* msg = archive_error_string(a);
  return Error{std::string("tar: ") + (msg ? msg : "unreadable archive")};
}

std::string after_entry(const std::string& previous) {
  return previous.empty() ? "first entry" : "after entry " + previous;
}

// What the walker does with each tar entry, whichever reader parsed it: counts it, records
// whiteouts and the entry in the layer's changes, and hands it with its data to the visitor.
class EntryTaker {
 public:
  EntryTaker(EntryVisitor& visitor, LayerChanges& changes, const ScanLimits& limits,
             WalkStats& stats)
      : visitor_(visitor), changes_(changes), limits_(limits), stats_(stats) {}

  // `data`: the entry's data (read only for files).
  Status take(std::string_view stored_path, EntryType type, int64_t size, std::string link_target,
              BlockSource& data) {
    EntryInfo info;
    info.path = normalize_image_path(stored_path);
    previous_ = info.path;
    if (auto counted = count(info.path); !counted) return counted;

    Whiteout wh = classify_whiteout(info.path);
    if (wh.kind == WhiteoutKind::kWhiteout) {
      changes_.whiteouts.insert(std::move(wh.target));
      return {};
    }
    if (wh.kind == WhiteoutKind::kOpaque) {
      changes_.opaque_dirs.insert(std::move(wh.target));
      return {};
    }
    if (wh.kind == WhiteoutKind::kMetadata) return {};

    info.type = type;
    if (type == EntryType::kFile) info.size = size;
    if (type == EntryType::kSymlink) info.link_target = std::move(link_target);
    if (type == EntryType::kHardlink) info.link_target = normalize_image_path(link_target);

    bool visiting = visitor_.on_entry(info) == Control::kContinue;
    LayerEntry recorded{info.type, info.size, 0};
    if (info.type == EntryType::kFile) {
      ++stats_.files;
      FileDataFeed feed(visitor_, info.path, visiting, limits_, stats_);
      auto st = stream_file_data(data, info, visitor_, visiting, feed, 0, limits_, stats_);
      if (!st) return fail(st.error().with_context("entry " + info.path));
      recorded.content_hash = feed.content_hash();
    }
    if (visiting) visitor_.on_entry_end();
    changes_.record(info.path, recorded);
    return {};
  }

  // The last entry taken, to say where a header failed.
  const std::string& previous() const { return previous_; }

 private:
  // Counts an entry against max_entries and its path against max_path_bytes: the layer's
  // changes keep every path until the walk ends, and a path may be 1 MiB long.
  Status count(const std::string& path) {
    path_bytes_ += path.size();
    std::string limit;
    if (++stats_.entries > limits_.max_entries) {
      limit = "more than max_entries (" + std::to_string(limits_.max_entries) + ") entries";
    } else if (path_bytes_ > limits_.max_path_bytes) {
      limit = "paths longer than max_path_bytes (" + std::to_string(limits_.max_path_bytes) +
              " bytes) together";
    }
    if (limit.empty()) return {};
    return fail(Error{"layer has " + limit}.with_context("entry " + shortened_path(path)));
  }

  EntryVisitor& visitor_;
  LayerChanges& changes_;
  const ScanLimits& limits_;
  WalkStats& stats_;
  std::string previous_;
  uint64_t path_bytes_ = 0;
};

// The rest of a tar stream through libarchive, from an entry TarReader did not take on.
Status walk_with_libarchive(BlockSource& blocks, EntryTaker& taker, Compression compression) {
  BlockReadCallback src;
  src.blocks = &blocks;
  ArchivePtr a(archive_read_new());
  if (!a) return fail("tar: out of memory");
  archive_read_support_format_tar(a.get());
  if (archive_read_open(a.get(), &src, nullptr, &BlockReadCallback::read_cb, nullptr) !=
      ARCHIVE_OK) {
    if (src.error) return fail(src.error->with_context(after_entry(taker.previous())));
    return fail(archive_failure(a.get(), src).message +
                " (compression: " + compression_name(compression) + " decoding)");
  }
  for (;;) {
    archive_entry* ae = nullptr;
    int r = archive_read_next_header(a.get(), &ae);
    if (r == ARCHIVE_EOF) return {};
    // ARCHIVE_WARN (e.g. a name that does not convert) still gives a usable entry;
    // ARCHIVE_RETRY is a damaged header, which we do not try to resync past.
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return fail(archive_failure(a.get(), src).with_context(after_entry(taker.previous())));
    }
    EntryType type = entry_type(ae);
    int64_t size =
        type == EntryType::kFile && archive_entry_size_is_set(ae) ? archive_entry_size(ae) : 0;
    std::string link;
    if (type == EntryType::kSymlink) link = link_target(ae, false);
    if (type == EntryType::kHardlink) link = link_target(ae, true);
    int64_t sparse_size = archive_entry_sparse_count(ae) > 0 ? size : -1;
    ArchiveEntryBlocks data(
        a.get(), [&] { return archive_failure(a.get(), src); }, sparse_size);
    auto taken = taker.take(entry_path(ae), type, size, std::move(link), data);
    if (!taken) return taken;
  }
}

// Sniffs the compression from the first bytes, then decodes the whole stream (the sniffed
// bytes replayed first).
Result<std::unique_ptr<ByteStream>> decode_sniffed(std::unique_ptr<ByteStream> blob,
                                                   bool digest_verified, Compression& found) {
  std::string head(kHeadSize, '\0');
  size_t have = 0;
  std::optional<Error> failure;
  while (have < head.size()) {
    auto n = blob->read(head.data() + have, head.size() - have);
    if (!n && have == 0) return fail(n.error());
    if (!n) failure = n.error();
    if (!n || *n == 0) break;
    have += *n;
  }
  head.resize(have);
  found = sniff_compression(head);
  return make_decoder(
      found, std::make_unique<ReplayStream>(std::move(head), std::move(blob), std::move(failure)),
      digest_verified);
}

}  // namespace

Result<std::unique_ptr<ByteStream>> open_uncompressed(const Layer& layer) {
  auto blob = layer.compressed();
  if (!blob) return fail(blob.error());
  Compression compression = Compression::kNone;
  return decode_sniffed(std::move(*blob), layer.descriptor().digest_recorded, compression);
}

Result<WalkStats> walk_layer(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                             LayerChanges& changes, const ScanLimits& limits,
                             const Digest* expected_diff_id, bool digest_verified) {
  return walk_layer_into(std::move(blob), visitor, changes, limits, expected_diff_id,
                         digest_verified, nullptr);
}

Result<WalkStats> walk_layer_into(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                                  LayerChanges& changes, const ScanLimits& limits,
                                  const Digest* expected_diff_id, bool digest_verified,
                                  DecodedBlockPool* pool) {
  if (!blob) return fail("no layer stream");
  WalkStats stats;
  auto counted = std::make_unique<CountingStream>(std::move(blob), stats.bytes_in);

  Compression compression = Compression::kNone;
  auto decoded = decode_sniffed(std::move(counted), digest_verified, compression);
  if (!decoded) return fail(decoded.error());

  LayerBlocks layer(**decoded, stats, limits, expected_diff_id != nullptr, pool);
  EntryTaker taker(visitor, changes, limits, stats);
  TarReader tar(layer);
  bool handed_over = false;
  for (TarEntry entry;;) {
    auto next = tar.next(entry);
    if (!next) return fail(next.error().with_context(after_entry(taker.previous())));
    if (*next == TarReader::Next::kEnd) break;
    if (*next == TarReader::Next::kHandOver) {
      handed_over = true;
      break;
    }
    auto taken = taker.take(entry.path, entry.type, static_cast<int64_t>(entry.size),
                            std::move(entry.link_target), tar.data());
    if (!taken) return fail(taken.error());
  }
  if (handed_over) {
    auto walked = walk_with_libarchive(tar.rest(), taker, compression);
    if (!walked) return fail(walked.error());
  }

  // Read the decoder to its end: the gzip/zstd trailer checks the whole blob's integrity (and
  // the blob's digest, when the source checks one, is checked at its last byte).
  for (;;) {
    auto block = layer.next();
    if (!block) return fail(block.error().with_context("after the last entry"));
    if (block->empty()) break;
  }
  if (std::optional<Digest> got = layer.digest()) {
    if (*got != *expected_diff_id) {
      return fail("uncompressed layer does not match its diff_id " + expected_diff_id->str() +
                  " (got " + got->str() + ")");
    }
  }
  return stats;
}

}  // namespace strata
