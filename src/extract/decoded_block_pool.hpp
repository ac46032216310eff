// DecodedBlockPool: the buffers a pipelined layer walk decodes into, so file data can travel
// to the scanning thread as views instead of copies (the data of a layer's files, and the
// stored entries of nested zips, which lie in the layer's bytes). Each block is reference-counted:
// the decoder holds the block it last filled (the tar reader reads from it until the next read
// call for more), and every batch that refers to the block's bytes holds it too. A block is filled
// again only once nobody holds it; the decoder waits while every block is held, which bounds
// the memory in flight. Blocks are allocated as a walk needs them, uninitialized.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "block_source.hpp"
#include "strata/extract/layer_walker.hpp"

namespace strata {

// The size of a decoded block, pooled or not: what one decoder read produces.
inline constexpr size_t kDecodedBlockBytes = 256 << 10;

class DecodedBlockPool {
 public:
  struct Block {
    char* data = nullptr;  // in one of the pool's slabs
    size_t size = 0;       // bytes filled
    std::atomic<uint32_t> holders{0};
  };

  DecodedBlockPool(size_t blocks, size_t block_bytes)
      : capacity_(std::max<size_t>(blocks, 4)), block_bytes_(block_bytes) {}

  size_t block_bytes() const { return block_bytes_; }
  size_t capacity() const { return capacity_; }  // at least 4

  // A block nobody holds, now held once by the caller; waits while every block is held.
  Block* acquire();
  void hold(Block* b) { b->holders.fetch_add(1, std::memory_order_relaxed); }
  void release(Block* b);
  // Whether acquire() would return at once.
  bool has_free();

  // The decoder's current block, set by PooledStreamBlocks (walking thread only).
  Block* current = nullptr;
  // The current block if `chunk` lies inside it; else null.
  Block* block_containing(std::string_view chunk) const;

  // Seconds acquire() waited for a block.
  double waited() const { return waited_; }

 private:
  size_t capacity_;
  size_t block_bytes_;
  std::deque<Block> blocks_;  // deque: a block never moves
  struct FreeSlab {
    void operator()(char* p) const { std::free(p); }
  };
  std::vector<std::unique_ptr<char, FreeSlab>> slabs_;  // the blocks' memory
  size_t slab_used_ = 0;                                // bytes of the last slab given to blocks
  char* new_block_memory();
  std::vector<Block*> free_;
  std::mutex mutex_;
  std::condition_variable released_;
  double waited_ = 0;  // written by the acquiring thread only, under the lock
};

// Blocks read from a ByteStream into blocks of a pool (the pool's `current`).
class PooledStreamBlocks final : public BlockSource {
 public:
  PooledStreamBlocks(ByteStream& stream, DecodedBlockPool& pool) : stream_(stream), pool_(pool) {}
  ~PooledStreamBlocks() override;
  Result<std::string_view> next() override;

 private:
  ByteStream& stream_;
  DecodedBlockPool& pool_;
  bool eof_ = false;
};

// walk_layer with the decoded layer read into `pool`'s blocks (null: one reused buffer); defined
// with walk_layer in layer_walker.cpp.
Result<WalkStats> walk_layer_into(std::unique_ptr<ByteStream> blob, EntryVisitor& visitor,
                                  LayerChanges& changes, const ScanLimits& limits,
                                  const Digest* expected_diff_id, bool digest_verified,
                                  DecodedBlockPool* pool);

}  // namespace strata
