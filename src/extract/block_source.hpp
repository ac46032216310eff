// BlockSource: a pull-based source of byte blocks that hands out views instead of copying
// (ByteStream copies into the caller's buffer). File data flows through these: a tar or zip
// entry's data, a decoder's output, a tee that shows each block to a FileDataFeed on its way
// to a nested archive reader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "strata/core/byte_stream.hpp"

struct archive;

namespace strata {

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // The next block, valid until the next call; empty only at the end (and from then on).
  [[nodiscard]] virtual Result<std::string_view> next() = 0;
};

// The data of the current entry of a libarchive reader; holes of sparse entries come out as
// zero blocks. `describe_failure` says why a libarchive call failed (it knows the reader's
// own error sources).
class ArchiveEntryBlocks final : public BlockSource {
 public:
  // `sparse_size`: for a sparse entry, its full size, so a hole at its end comes out as zeros
  // too (libarchive gives no block after the last data); -1 otherwise.
  ArchiveEntryBlocks(archive* a, std::function<Error()> describe_failure, int64_t sparse_size = -1)
      : archive_(a), describe_failure_(std::move(describe_failure)), sparse_size_(sparse_size) {}
  Result<std::string_view> next() override;
  // Whether the last failure leaves the reader unusable (ARCHIVE_FATAL) rather than only
  // this entry (an encrypted zip entry, say).
  bool fatal() const { return fatal_; }
  bool failed() const { return failed_; }

 private:
  archive* archive_;
  std::function<Error()> describe_failure_;
  int64_t sparse_size_;
  int64_t expected_ = 0;  // the offset the next byte would have
  uint64_t hole_ = 0;     // zeros still owed before `pending_`
  std::string_view pending_;
  bool eof_ = false;
  bool failed_ = false;
  bool fatal_ = false;
  Error error_;
};

// Blocks read from a ByteStream into an owned buffer.
class StreamBlocks final : public BlockSource {
 public:
  StreamBlocks(ByteStream& stream, size_t block_size) : stream_(stream), buffer_(block_size) {}
  Result<std::string_view> next() override;

 private:
  ByteStream& stream_;
  std::vector<char> buffer_;
  bool eof_ = false;
};

// A ByteStream over a BlockSource (copies), to feed a decoder.
class BlockStream final : public ByteStream {
 public:
  explicit BlockStream(BlockSource& blocks) : blocks_(blocks) {}
  Result<size_t> read(char* buffer, size_t capacity) override;

 private:
  BlockSource& blocks_;
  std::string_view rest_;  // the unread part of the current block
};

// A block of zeros to hand out for holes.
std::string_view zero_block(uint64_t at_most);

}  // namespace strata
