#include "nested_archive.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "archive_support.hpp"
#include "nested_format.hpp"
#include "strata/core/image_path.hpp"
#include "strata/core/tar_header.hpp"
#include "tar_reader.hpp"

namespace strata {
namespace {

constexpr size_t kDecodedBlockSize = 64 << 10;
// An expansion ratio only means something once enough has been decoded.
constexpr uint64_t kRatioCheckAfter = 16ull << 20;

// The archive file's own bytes on their way to the nested reader: every block is fed to the
// file's FileDataFeed (its visitor and content hash) first. A failure here is the enclosing
// walk's, not the nested archive's, so it is remembered to be passed up.
class TeeBlocks final : public BlockSource {
 public:
  TeeBlocks(BlockSource& inner, FileDataFeed& feed) : inner_(inner), feed_(feed) {}

  Result<std::string_view> next() override {
    if (error_) return fail(*error_);
    auto block = inner_.next();
    if (!block) {
      error_ = block.error();
      return fail(*error_);
    }
    feed_.feed(*block);
    consumed_ += block->size();
    return block;
  }

  // Reads the rest of the file (after the nested reader stopped, early or not).
  Status drain() {
    for (;;) {
      auto block = next();
      if (!block) return fail(block.error());
      if (block->empty()) return {};
    }
  }

  bool failed() const { return error_.has_value(); }
  const Error& error() const { return *error_; }
  uint64_t consumed() const { return consumed_; }

 private:
  BlockSource& inner_;
  FileDataFeed& feed_;
  std::optional<Error> error_;
  uint64_t consumed_ = 0;
};

// What one nested archive may still decode: max_nested_bytes and max_expansion_ratio.
class NestedBudget {
 public:
  NestedBudget(const ScanLimits& limits, const TeeBlocks& raw) : limits_(limits), raw_(raw) {}

  Status charge(size_t n) {
    if (error_) return fail(*error_);
    decoded_ += n;
    if (decoded_ > limits_.max_nested_bytes) {
      error_ = Error{"stopped at max_nested_bytes (" + std::to_string(limits_.max_nested_bytes) +
                     " bytes decoded); the rest was not scanned"};
    } else if (decoded_ >= kRatioCheckAfter &&
               decoded_ / std::max<uint64_t>(raw_.consumed(), 1) > limits_.max_expansion_ratio) {
      error_ = Error{"decompression ratio exceeds max_expansion_ratio (" +
                     std::to_string(limits_.max_expansion_ratio) +
                     ":1; a decompression bomb?); the rest was not scanned"};
    }
    if (error_) return fail(*error_);
    return {};
  }

  bool exceeded() const { return error_.has_value(); }
  const Error& error() const { return *error_; }

 private:
  const ScanLimits& limits_;
  const TeeBlocks& raw_;
  uint64_t decoded_ = 0;
  std::optional<Error> error_;
};

// A nested entry's data, charged to its archive's budget.
class ChargedBlocks final : public BlockSource {
 public:
  ChargedBlocks(BlockSource& inner, NestedBudget& budget) : inner_(inner), budget_(budget) {}
  Result<std::string_view> next() override {
    auto block = inner_.next();
    if (!block) return block;
    if (auto charged = budget_.charge(block->size()); !charged) return fail(charged.error());
    return block;
  }

 private:
  BlockSource& inner_;
  NestedBudget& budget_;
};

// Lets the first block be looked at before the reader gets it.
class PeekableBlocks final : public BlockSource {
 public:
  explicit PeekableBlocks(BlockSource& inner) : inner_(inner) {}
  Result<std::string_view> peek() {
    if (!peeked_) {
      auto block = inner_.next();
      if (!block) return block;
      peeked_ = *block;
    }
    return *peeked_;
  }
  Result<std::string_view> next() override {
    if (peeked_) return *std::exchange(peeked_, std::nullopt);
    return inner_.next();
  }

 private:
  BlockSource& inner_;
  std::optional<std::string_view> peeked_;
};

// Walks one nested archive, reading its bytes from `raw`, visiting its entries (at `depth`)
// on `visitor`. Errors say what went wrong inside the archive; the caller names the archive.
class NestedArchiveWalk {
 public:
  NestedArchiveWalk(TeeBlocks& raw, const std::string& archive_path, NestedFormat format,
                    EntryVisitor& visitor, int depth, const ScanLimits& limits, WalkStats& stats)
      : raw_(raw),
        archive_path_(archive_path),
        format_(format),
        visitor_(visitor),
        depth_(depth),
        limits_(limits),
        stats_(stats),
        budget_(limits, raw) {}

  Status run() {
    PeekableBlocks bytes(raw_);
    auto head = bytes.peek();
    if (!head) return fail(head.error());
    if (head->empty()) return {};  // an empty file holds nothing to complain about
    switch (format_) {
      case NestedFormat::kZip:
        return read_archive(bytes);
      case NestedFormat::kTar:
        return decode_then(bytes, Compression::kNone);
      case NestedFormat::kSingleGzip:
        return decode_then(bytes, Compression::kGzip);
      case NestedFormat::kSingleZstd:
        return decode_then(bytes, Compression::kZstd);
      case NestedFormat::kNone:
        break;
    }
    return {};
  }

 private:
  // Sniffs the compression, then reads a tar (`single` = kNone) or the one compressed file.
  Status decode_then(PeekableBlocks& bytes, Compression single) {
    auto head = bytes.peek();
    if (!head) return fail(head.error());
    Compression c = sniff_compression(*head);
    if (single != Compression::kNone && c != single) {
      return fail(std::string("not ") + compression_name(single) + " data");
    }
    auto decoded = make_decoder(c, std::make_unique<BlockStream>(bytes));
    if (!decoded) return fail(decoded.error());
    StreamBlocks blocks(**decoded, kDecodedBlockSize);
    if (single == Compression::kNone) return read_tar(blocks);
    return visit_single_file(blocks);
  }

  Status visit_single_file(BlockSource& decoded) {
    ++stats_.nested_entries;
    EntryInfo info;
    info.path = archive_path_ + "!/" + single_file_name(archive_path_);
    info.type = EntryType::kFile;  // size unknown until decoded: 0
    if (visitor_.on_entry(info) != Control::kContinue) return {};
    ChargedBlocks charged(decoded, budget_);
    FileDataFeed feed(visitor_, info.path, true, limits_, stats_);
    auto st = stream_file_data(charged, info, visitor_, true, feed, depth_, limits_, stats_);
    visitor_.on_entry_end();
    if (!st && budget_.exceeded()) return fail(budget_.error());
    return st;
  }

  Error failure(archive* a, const BlockReadCallback& cb) const {
    if (cb.error) return *cb.error;
    const char* msg = archive_error_string(a);
    return Error{msg ? msg : "unreadable archive"};
  }

  // A tar through strata's own TarReader, as the layer walker reads layers (libarchive would
  // convert every entry's name to wide characters, one mbrtowc call per byte), and through
  // libarchive from the first entry TarReader does not take on. Bytes that do not start with a
  // tar header go to libarchive whole: its errors say what they are not.
  Status read_tar(BlockSource& decoded) {
    PeekableBlocks bytes(decoded);
    auto head = bytes.peek();
    if (!head) return fail(head.error());
    TarHeader first;
    if (head->size() < kTarBlockSize ||
        parse_tar_header(head->data(), first) != TarBlock::kHeader) {
      return read_archive(bytes);
    }
    TarReader tar(bytes);
    for (TarEntry entry;;) {
      auto next = tar.next(entry);
      if (!next) return fail(next.error());
      if (*next == TarReader::Next::kEnd) return {};
      if (*next == TarReader::Next::kHandOver) return read_archive(tar.rest());
      auto taken = take(entry.path, entry.type, static_cast<int64_t>(entry.size),
                        std::move(entry.link_target), tar.data(), nullptr);
      if (!taken) return taken;
    }
  }

  Status read_archive(BlockSource& bytes) {
    ArchivePtr a(archive_read_new());
    if (!a) return fail("out of memory");
    if (format_ == NestedFormat::kZip) {
      archive_read_support_format_zip_streamable(a.get());
    } else {
      archive_read_support_format_tar(a.get());
    }
    BlockReadCallback cb;
    cb.blocks = &bytes;
    if (archive_read_open(a.get(), &cb, nullptr, &BlockReadCallback::read_cb, nullptr) !=
        ARCHIVE_OK) {
      return fail(failure(a.get(), cb));
    }
    return walk_entries(a.get(), cb);
  }

  Status walk_entries(archive* a, const BlockReadCallback& cb) {
    for (;;) {
      archive_entry* ae = nullptr;
      int r = archive_read_next_header(a, &ae);
      if (r == ARCHIVE_EOF) return {};
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return fail(failure(a, cb));
      EntryType type = entry_type(ae);
      int64_t size = 0;
      if (type == EntryType::kFile && archive_entry_size_is_set(ae)) size = archive_entry_size(ae);
      std::string link;
      if (type == EntryType::kSymlink) link = link_target(ae, false);
      if (type == EntryType::kHardlink) link = link_target(ae, true);
      ArchiveEntryBlocks blocks(a, [&] { return failure(a, cb); });
      auto taken = take(entry_path(ae), type, size, std::move(link), blocks, &blocks);
      if (!taken) return taken;
    }
  }

  // Visits one entry; a file's data comes from `data`. `entry_blocks` (libarchive's entries)
  // tells a failure of this entry alone (an encrypted zip entry, say) from the archive's.
  Status take(std::string_view name, EntryType type, int64_t size, std::string link,
              BlockSource& data, const ArchiveEntryBlocks* entry_blocks) {
    if (++entries_ > limits_.max_nested_entries) {
      return fail("more than max_nested_entries (" + std::to_string(limits_.max_nested_entries) +
                  ") entries; the rest was not scanned");
    }
    ++stats_.nested_entries;
    // Whiteout names mean nothing here: every entry is an ordinary entry.
    EntryInfo info;
    info.path = archive_path_ + "!/" + normalize_image_path(name);
    info.type = type;
    if (type == EntryType::kFile) info.size = size;
    if (type == EntryType::kSymlink) info.link_target = std::move(link);
    if (type == EntryType::kHardlink) {
      info.link_target = archive_path_ + "!/" + normalize_image_path(link);
    }
    bool visiting = visitor_.on_entry(info) == Control::kContinue;
    if (type == EntryType::kFile) {
      ChargedBlocks charged(data, budget_);
      FileDataFeed feed(visitor_, info.path, visiting, limits_, stats_);
      auto st = stream_file_data(charged, info, visitor_, visiting, feed, depth_, limits_, stats_);
      if (!st) {
        if (visiting) visitor_.on_entry_end();
        if (raw_.failed()) return fail(raw_.error());
        if (budget_.exceeded()) return fail(budget_.error());
        if (entry_blocks && entry_blocks->failed() && !entry_blocks->fatal()) {
          // This entry only: the archive goes on.
          stats_.skipped.push_back(info.path + ": nested " + nested_format_name(format_) + ": " +
                                   st.error().message);
          return {};
        }
        return fail(st.error());
      }
    }
    if (visiting) visitor_.on_entry_end();
    return {};
  }

  TeeBlocks& raw_;
  const std::string& archive_path_;
  NestedFormat format_;
  EntryVisitor& visitor_;
  int depth_;
  const ScanLimits& limits_;
  WalkStats& stats_;
  NestedBudget budget_;
  uint64_t entries_ = 0;
};

}  // namespace

Status stream_file_data(BlockSource& data, const EntryInfo& info, EntryVisitor& visitor,
                        bool visiting, FileDataFeed& feed, int depth, const ScanLimits& limits,
                        WalkStats& stats) {
  NestedFormat format = NestedFormat::kNone;
  if (visiting && limits.max_nesting_depth > 0) format = nested_format(info.path);
  EntryVisitor* inner = nullptr;
  if (format != NestedFormat::kNone && depth >= limits.max_nesting_depth) {
    // Only reachable at depth >= 1, i.e. through nested visitors: nesting is wanted. The
    // visitor is not asked for a visitor that would go unused.
    stats.skipped.push_back(info.path + ": nested " + nested_format_name(format) +
                            " not opened: deeper than max_nesting_depth (" +
                            std::to_string(limits.max_nesting_depth) + ")");
  } else if (format != NestedFormat::kNone) {
    inner = visitor.nested_visitor();
  }
  if (!inner) {
    for (;;) {
      auto block = data.next();
      if (!block) return fail(block.error());
      if (block->empty()) return {};
      feed.feed(*block);
    }
  }

  TeeBlocks raw(data, feed);
  ++stats.nested_archives;
  Status walked = NestedArchiveWalk(raw, info.path, format, *inner, depth + 1, limits, stats).run();
  if (raw.failed()) return fail(raw.error());
  if (!walked) {
    stats.skipped.push_back(info.path + ": nested " + nested_format_name(format) + ": " +
                            walked.error().message);
  }
  return raw.drain();
}

}  // namespace strata
