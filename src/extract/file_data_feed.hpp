// FileDataFeed: passes one file's bytes to an EntryVisitor while hashing all of them.
// Shared by the layer and directory walkers so both apply max_file_bytes and the
// visitor's kStop the same way: data past either point is still hashed (fates need the hash
// of the whole file) but no longer handed on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/core/limits.hpp"
#include "strata/extract/layer_walker.hpp"

namespace strata {

class FileDataFeed {
 public:
  // `visiting`: whether the visitor's on_entry continued for this file.
  FileDataFeed(EntryVisitor& visitor, const std::string& path, bool visiting,
               const ScanLimits& limits, WalkStats& stats)
      : visitor_(visitor), path_(path), passing_(visiting), limits_(limits), stats_(stats) {}

  void feed(std::string_view chunk);
  // Feeds `count` zero bytes (holes of sparse files).
  void feed_zeros(uint64_t count);
  // The content hash of everything fed.
  uint64_t content_hash() const;

 private:
  EntryVisitor& visitor_;
  const std::string& path_;
  bool passing_;
  const ScanLimits& limits_;
  WalkStats& stats_;
  uint64_t crc_ = 0;
  uint64_t size_ = 0;
  uint64_t passed_ = 0;
};

// A 64-bit hash of a file's bytes: CRC-64 (ISA-L) mixed with the length. Never 0.
uint64_t content_hash(uint64_t crc64, uint64_t size);

}  // namespace strata
