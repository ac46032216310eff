// Starting threads the system may refuse (a container's pids limit, RLIMIT_NPROC, memory for a
// stack). strata never fails a scan for want of a thread: the work runs on the threads that did
// start, or on the caller's. This is the one place that catches the refusal.
//
//   std::thread t = try_start_thread([&] { read_ahead(); });
//   if (!t.joinable()) read_in_place();                      // refused: fn was dropped, not run
//
//   std::thread t = start_thread_or_run_inline([big = std::move(big)] {});  // freed off-thread
//   if (t.joinable()) t.join();                               // refused: fn already ran here
//
//   std::vector<std::thread> pool = start_threads(n, worker);  // as many as the system gives
//
// Thread safety: free functions, callable from any thread. Errors: only the std::system_error of
// a refused thread is caught. fn's own exceptions are the caller's: run inline they propagate; on
// a thread they end the process as usual, so a fn meant for a thread catches its own.
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace strata {

namespace thread_start_detail {

// Starts a thread that takes ownership of *box (fn and everything it captured is destroyed on
// that thread, after it ran). When the thread is refused, box still holds fn and the returned
// thread is not joinable.
template <typename F>
std::thread start_owning(std::unique_ptr<F>& box) {
  try {
    std::thread thread([raw = box.get()] {
      std::unique_ptr<F> owned(raw);
      (*owned)();
    });
    (void)box.release();  // the thread owns it now
    return thread;
  } catch (const std::system_error&) {
    return std::thread();
  }
}

}  // namespace thread_start_detail

// Runs fn on a new thread; when none can be started, drops fn and returns a thread that is not
// joinable, for the caller to choose another way.
template <typename Fn>
std::thread try_start_thread(Fn&& fn) {
  auto box = std::make_unique<std::decay_t<Fn>>(std::forward<Fn>(fn));
  return thread_start_detail::start_owning(box);
}

// Runs fn on a new thread, or on this one (before returning) when none can be started.
template <typename Fn>
std::thread start_thread_or_run_inline(Fn&& fn) {
  auto box = std::make_unique<std::decay_t<Fn>>(std::forward<Fn>(fn));
  std::thread thread = thread_start_detail::start_owning(box);
  if (!thread.joinable()) (*box)();
  return thread;
}

// Starts up to `n` threads, each running its own copy of fn; stops at the first refusal, so the
// result may be shorter (or empty: the caller then does the work itself).
template <typename Fn>
std::vector<std::thread> start_threads(size_t n, const Fn& fn) {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::thread thread = try_start_thread(fn);
    if (!thread.joinable()) break;
    threads.push_back(std::move(thread));
  }
  return threads;
}

}  // namespace strata
