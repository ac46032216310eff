// WorkQueue: a bounded first-in first-out queue between one producer and several consumers.
// The bound keeps a fast producer (a directory walk listing names) from running ahead of the
// consumers (scanning files) by more than `capacity` items.
//
//   WorkQueue<Item> queue(256);
//   producer: while (...) if (!queue.push(item)) break;  queue.close();
//   consumer: while (auto item = queue.pop()) handle(*item);
//
// Thread safety: every member may be called from any thread. Errors: none.
#pragma once

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

  // Waits for room; false when the consumers gave up (abandon), and the item is dropped.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return abandoned_ || items_.size() < capacity_; });
    if (abandoned_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // The next item; nullopt once the queue is closed and empty, or abandoned.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return abandoned_ || closed_ || !items_.empty(); });
    if (abandoned_ || items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
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
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  bool closed_ = false;
  bool abandoned_ = false;
};

}  // namespace strata
