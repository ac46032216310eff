// DecodedBlockPool: a block is handed out again only once every holder released it, the pool
// never grows past its capacity, and a decoder waiting for a block wakes when one is released.
#include "decoded_block_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "recording_visitor.hpp"

namespace strata {
namespace {

TEST(DecodedBlockPool, ABlockComesBackOnlyAfterItsLastHolderReleasesIt) {
  DecodedBlockPool pool(4, 16);
  EXPECT_EQ(pool.capacity(), 4u);
  DecodedBlockPool::Block* first = pool.acquire();
  pool.hold(first);  // a batch views it too
  std::set<DecodedBlockPool::Block*> others;
  for (int i = 0; i < 3; ++i) others.insert(pool.acquire());
  EXPECT_FALSE(others.contains(first));
  EXPECT_FALSE(pool.has_free());  // four blocks, all held

  pool.release(first);  // the decoder moved on; the batch still views it
  EXPECT_FALSE(pool.has_free());
  pool.release(first);
  EXPECT_TRUE(pool.has_free());
  EXPECT_EQ(pool.acquire(), first);
}

// Blocks are cut from 2 MiB slabs (and a block larger than a slab gets memory of its own):
// every block's bytes are its own, whichever slab they lie in.
TEST(DecodedBlockPool, EveryBlockOwnsAllItsBytesAcrossSlabs) {
  for (size_t block_bytes : {size_t{256} << 10, size_t{3} << 20}) {
    DecodedBlockPool pool(20, block_bytes);  // 20 x 256 KiB: three slabs
    std::vector<DecodedBlockPool::Block*> blocks;
    for (size_t i = 0; i < pool.capacity(); ++i) {
      blocks.push_back(pool.acquire());
      std::fill_n(blocks.back()->data, block_bytes, static_cast<char>('a' + i));
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
      std::string_view bytes(blocks[i]->data, block_bytes);
      EXPECT_EQ(bytes.find_first_not_of(static_cast<char>('a' + i)), std::string_view::npos)
          << "block " << i << " of " << block_bytes << " bytes";
    }
    for (auto* b : blocks) pool.release(b);
  }
}

TEST(DecodedBlockPool, AWaitingDecoderWakesWhenABlockIsReleased) {
  DecodedBlockPool pool(4, 16);
  DecodedBlockPool::Block* held[4];
  for (auto& b : held) b = pool.acquire();
  std::atomic<DecodedBlockPool::Block*> got{nullptr};
  std::thread decoder([&] { got = pool.acquire(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(got.load(), nullptr);  // every block is held: it cannot have one yet
  pool.release(held[2]);
  decoder.join();
  EXPECT_EQ(got.load(), held[2]);
}

TEST(DecodedBlockPool, ChunksInsideTheCurrentBlockAreFoundAndOthersNot) {
  std::string data = "abcdefghijklmnopqrstuvwxyz";
  DecodedBlockPool pool(4, 10);
  auto stream = test::memory_stream(data);
  PooledStreamBlocks blocks(*stream, pool);
  auto first = blocks.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "abcdefghij");
  EXPECT_EQ(pool.block_containing(first->substr(3, 4)), pool.current);
  EXPECT_EQ(pool.block_containing(*first), pool.current);
  std::string copy(*first);
  EXPECT_EQ(pool.block_containing(copy), nullptr);
  EXPECT_EQ(pool.block_containing(std::string_view(first->data() + 8, 3)), nullptr);  // past it

  DecodedBlockPool::Block* was = pool.current;
  pool.hold(was);  // as a batch viewing the first block would
  auto second = blocks.next();
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "klmnopqrst");
  EXPECT_NE(pool.current, was);
  EXPECT_EQ(pool.block_containing(*first), nullptr);                // no longer the current block
  EXPECT_EQ(std::string_view(was->data, was->size), "abcdefghij");  // still intact
  pool.release(was);
}

}  // namespace
}  // namespace strata
