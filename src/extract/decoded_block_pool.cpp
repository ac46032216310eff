#include "decoded_block_pool.hpp"

#include <chrono>
#include <utility>

namespace strata {

DecodedBlockPool::Block* DecodedBlockPool::acquire() {
  std::unique_lock lock(mutex_);
  Block* b = nullptr;
  if (free_.empty() && blocks_.size() < capacity_) {
    b = &blocks_.emplace_back();
    b->data = std::make_unique_for_overwrite<char[]>(block_bytes_);  // the decoder fills it
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

bool DecodedBlockPool::has_free() {
  std::lock_guard lock(mutex_);
  return !free_.empty() || blocks_.size() < capacity_;
}

DecodedBlockPool::Block* DecodedBlockPool::block_containing(std::string_view chunk) const {
  Block* b = current;
  if (!b) return nullptr;
  auto begin = reinterpret_cast<uintptr_t>(b->data.get());
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
    n = stream_.read(b->data.get(), pool_.block_bytes());
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
  return std::string_view(b->data.get(), *n);
}

}  // namespace strata
