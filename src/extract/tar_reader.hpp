// TarReader: the entries of a layer's tar stream, read from a BlockSource, with each file's data
// handed out as views of the source's blocks (no copy).
//
// It takes what container layers are made of: ustar, GNU and pax headers (GNU long names and
// link targets, pax path, linkpath and size, base-256 numbers, old-style directories named with
// a trailing '/'), parsed by the shared tar header parser (strata/core/tar_header.hpp). At the
// first entry it cannot take exactly as libarchive would (a sparse file, a hardlink, symlink or
// directory that carries data, a type it does not know, an oversized or malformed extended
// header), it stops and hands the stream over, from that entry's first header on (rest()), so
// the layer walker lets libarchive read the rest and the results stay libarchive's. It exists
// because libarchive, per entry, converts the name to wide characters and copies the entry into
// its own structures: ~3% of a scan's CPU on the bench layers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "block_source.hpp"
#include "strata/core/tar_header.hpp"
#include "strata/extract/layer_walker.hpp"

namespace strata {

struct TarEntry {
  std::string path;  // as stored (pax path, GNU long name, or ustar prefix/name)
  std::string link_target;
  EntryType type = EntryType::kFile;
  uint64_t size = 0;  // bytes of data (files only; other entries here carry none)
};

class TarReader {
 public:
  explicit TarReader(BlockSource& source) : source_(source), data_(*this), rest_(*this) {}
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  enum class Next { kEntry, kEnd, kHandOver };
  // Skips what is left of the previous entry's data, then reads the next entry into `entry`
  // (kEntry). kEnd: the end-of-archive block, or the source ended at a header boundary.
  // kHandOver: an entry for libarchive; read the rest of the stream from rest().
  // Fails on a damaged or truncated header, or when the source fails.
  [[nodiscard]] Result<Next> next(TarEntry& entry);

  // The current file's data (after kEntry); fails if the stream ends before all of it.
  BlockSource& data() { return data_; }
  // After kHandOver: the stream from the first header of the entry not taken on.
  BlockSource& rest() { return rest_; }

 private:
  class EntryData final : public BlockSource {
   public:
    explicit EntryData(TarReader& r) : r_(r) {}
    Result<std::string_view> next() override;

   private:
    TarReader& r_;
  };
  class Rest final : public BlockSource {
   public:
    explicit Rest(TarReader& r) : r_(r) {}
    Result<std::string_view> next() override;

   private:
    TarReader& r_;
    int stage_ = 0;  // 0: the headers read, 1: the current block's rest, 2: the source
  };

  // Makes cur_ non-empty; false at the end of the source.
  Result<bool> fill();
  // Appends up to `n` bytes to headers_; fewer only at the end of the source.
  Result<size_t> read_to_headers(size_t n);
  // Skips `n` bytes; false if the source ends first.
  Result<bool> skip(uint64_t n);
  // Reads an extended header's body and padding into headers_; the body, a view of headers_
  // valid until headers_ grows again.
  Result<std::string_view> read_extension_body(uint64_t size);
  // Fills `entry` from the entry's own header and the extended headers before it.
  Next take_entry(const TarHeader& header, TarEntry& entry);

  BlockSource& source_;
  std::string_view cur_;  // the unread part of the source's current block
  bool source_ended_ = false;
  uint64_t data_left_ = 0;    // of the current entry
  uint64_t padding_ = 0;      // after the current entry's data
  std::string headers_;       // every byte read since the previous entry's data and padding
  TarExtensions extensions_;  // kept across entries so its buffers are reused
  EntryData data_;
  Rest rest_;
};

}  // namespace strata
