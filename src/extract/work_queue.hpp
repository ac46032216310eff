// WorkQueue: a bounded first-in first-out queue between one producer and several consumers.
// The bound keeps a fast producer (a directory walk listing names) from running ahead of the
// consumers (scanning files) by more than `capacity` items. Sleeping threads are woken in
// batches, not per item: a full queue wakes its producer once half of it is drained, and an
// empty one wakes a consumer once kWakeBatch items wait (or at close), so a walk of 100k small
// files does not cost a context switch per file.
//
//   WorkQueue<Item> queue(256);
//   producer: while (...) if (!queue.push(item)) break;  queue.close();
//   consumer: while (auto item = queue.pop()) handle(*item);
//
// Thread safety: every member may be called from any thread. Errors: none.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace strata {

template <typename T>
class WorkQueue {
 public:
  explicit WorkQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  static constexpr size_t kWakeBatch = 8;

  // Waits for room; false when the consumers gave up (abandon), and the item is dropped.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    if (items_.size() >= capacity_) {
      ++producer_waiting_;
      not_full_.wait(lock, [&] { return abandoned_ || items_.size() <= low_water(); });
      --producer_waiting_;
    }
    if (abandoned_) return false;
    items_.push_back(std::move(item));
    if (consumers_waiting_ > 0 && (items_.size() >= wake_batch())) not_empty_.notify_one();
    return true;
  }

  // The next item; nullopt once the queue is closed and empty, or abandoned.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    if (items_.empty() && !closed_ && !abandoned_) {
      ++consumers_waiting_;
      not_empty_.wait(lock, [&] { return abandoned_ || closed_ || items_.size() >= wake_batch(); });
      --consumers_waiting_;
    }
    if (abandoned_ || items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    if (producer_waiting_ > 0 && items_.size() <= low_water()) not_full_.notify_one();
    // A woken consumer passes the wake on while a batch is left for the others.
    if (consumers_waiting_ > 0 && items_.size() >= wake_batch()) not_empty_.notify_one();
    return item;
  }

  // No more items will come; consumers drain what is queued.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

  // Consumers stop: queued items are dropped and the producer's next push fails.
  void abandon() {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
    items_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  size_t low_water() const { return capacity_ / 2; }
  // A queue smaller than a batch wakes a consumer for any item.
  size_t wake_batch() const { return std::min(kWakeBatch, capacity_); }

  const size_t capacity_;
  size_t producer_waiting_ = 0;
  size_t consumers_waiting_ = 0;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  bool closed_ = false;
  bool abandoned_ = false;
};

}  // namespace strata
