// Runs fn(0) … fn(n - 1) on up to `threads` threads (the caller is one of them), handing out
// indices one at a time. For short CPU-bound steps after a scan (fingerprints, report text)
// whose wall time would otherwise be serial. A thread that cannot be started leaves its share
// to the others. If fn throws, the remaining indices are skipped and the first exception is
// rethrown on the caller's thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "strata/core/thread_start.hpp"

namespace strata {

inline size_t core_count() { return std::max(1u, std::thread::hardware_concurrency()); }

template <typename Fn>
void parallel_for(size_t n, size_t threads, Fn&& fn) {
  std::atomic<size_t> next{0};
  std::mutex failed_mutex;
  std::exception_ptr failed;
  auto work = [&] {
    try {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    } catch (...) {
      next = n;  // the others stop at their next index
      std::lock_guard lock(failed_mutex);
      if (!failed) failed = std::current_exception();
    }
  };
  threads = std::min(threads, n);
  // This thread is one of them; those the system refuses leave their share to the others.
  std::vector<std::thread> pool = start_threads(threads > 1 ? threads - 1 : 0, work);
  work();
  for (std::thread& t : pool) t.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace strata
