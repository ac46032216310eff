#include "decoded_block_pool.hpp"

#include <sys/mman.h>

#include <chrono>
#include <cstdlib>
#include <new>
#include <utility>

namespace strata {

DecodedBlockPool::Block* DecodedBlockPool::acquire() {
  std::unique_lock lock(mutex_);
  Block* b = nullptr;
  if (free_.empty() && blocks_.size() < capacity_) {
    b = &blocks_.emplace_back();
    b->data = new_block_memory();  // the decoder fills it
  } else {
    if (free_.empty()) {
      auto start = std::chrono::steady_clock::now();
      released_.wait(lock, [&] { return !free_.empty(); });
      waited_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    b = free_.back();
    free_.pop_back();
  }
  b->size = 0;
  b->holders.store(1, std::memory_order_relaxed);
  return b;
}

void DecodedBlockPool::release(Block* b) {
  // acq_rel: the last holder's reads of the block happen before it is filled again.
  if (b->holders.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  {
    std::lock_guard lock(mutex_);
    free_.push_back(b);
  }
  released_.notify_one();  // only the decoder waits
}

// Blocks are cut from 2 MiB slabs that the kernel may back with one huge page each (THP in
// "madvise" mode, Debian's default): a pool fills its blocks once per layer, and 4 KiB pages
// cost a page fault every 4 KiB of decoded data at first, ~13,000 faults per scan of the bench
// image, and TLB misses for both threads after.
char* DecodedBlockPool::new_block_memory() {
  constexpr size_t kSlabBytes = 2 << 20;
  if (block_bytes_ > kSlabBytes) {
    slabs_.emplace_back(static_cast<char*>(std::malloc(block_bytes_)));
    if (!slabs_.back()) throw std::bad_alloc();
    return slabs_.back().get();
  }
  if (slabs_.empty() || slab_used_ + block_bytes_ > kSlabBytes) {
    void* p = std::aligned_alloc(kSlabBytes, kSlabBytes);
    if (!p) throw std::bad_alloc();
    madvise(p, kSlabBytes, MADV_HUGEPAGE);  // a hint: without THP the pages stay small
    slabs_.emplace_back(static_cast<char*>(p));
    slab_used_ = 0;
  }
  char* at = slabs_.back().get() + slab_used_;
  slab_used_ += block_bytes_;
  return at;
}

bool DecodedBlockPool::has_free() {
  std::lock_guard lock(mutex_);
  return !free_.empty() || blocks_.size() < capacity_;
}

DecodedBlockPool::Block* DecodedBlockPool::block_containing(std::string_view chunk) const {
  Block* b = current;
  if (!b) return nullptr;
  auto begin = reinterpret_cast<uintptr_t>(b->data);
  auto at = reinterpret_cast<uintptr_t>(chunk.data());
  return at >= begin && at + chunk.size() <= begin + b->size ? b : nullptr;
}

PooledStreamBlocks::~PooledStreamBlocks() {
  if (pool_.current) pool_.release(std::exchange(pool_.current, nullptr));
}

Result<std::string_view> PooledStreamBlocks::next() {
  // libarchive is done with the previous block once it asks for the next one.
  if (pool_.current) pool_.release(std::exchange(pool_.current, nullptr));
  if (eof_) return std::string_view{};
  DecodedBlockPool::Block* b = pool_.acquire();
  Result<size_t> n;
  try {
    n = stream_.read(b->data, pool_.block_bytes());
  } catch (...) {
    pool_.release(b);
    throw;
  }
  if (!n) {
    pool_.release(b);
    return fail(n.error());
  }
  if (*n == 0) eof_ = true;
  b->size = *n;
  pool_.current = b;
  return std::string_view(b->data, *n);
}

}  // namespace strata
