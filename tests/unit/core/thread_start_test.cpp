#include "strata/core/thread_start.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <set>

#include "strata/core/parallel_for.hpp"

namespace strata {
namespace {

// Records the thread that destroyed it: a fn's captures must die where it ran.
struct DestroyedOn {
  std::thread::id* where;
  ~DestroyedOn() { *where = std::this_thread::get_id(); }
};

constexpr int kCannotRefuse = 77;

// Runs `body` in a forked child where the kernel refuses every new thread (RLIMIT_NPROC of 0,
// as an unprivileged user: root is exempt from the limit), and returns its exit code. The
// child first checks that a plain std::thread really is refused; kCannotRefuse when not.
int run_where_threads_are_refused(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (geteuid() == 0 && setuid(65534) != 0) _exit(kCannotRefuse);
    rlimit none{0, 0};
    if (setrlimit(RLIMIT_NPROC, &none) != 0) _exit(kCannotRefuse);
    try {
      std::thread([] {}).join();
      _exit(kCannotRefuse);
    } catch (const std::system_error&) {
    }
    _exit(body());
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// A skip inside a helper still marks the test skipped.
void expect_success_where_threads_are_refused(const std::function<int()>& body) {
  int code = run_where_threads_are_refused(body);
  if (code == kCannotRefuse) GTEST_SKIP() << "cannot make the kernel refuse threads here";
  EXPECT_EQ(code, 0);
}

// `start` must run the fn it is given on a new thread, which also destroys what fn captured.
template <typename Start>
void expect_run_and_destroyed_on_a_new_thread(Start start) {
  std::thread::id ran_on, destroyed_on;
  std::thread t = start([&, guard = std::make_unique<DestroyedOn>(&destroyed_on)] {
    ran_on = std::this_thread::get_id();
  });
  ASSERT_TRUE(t.joinable());
  std::thread::id started = t.get_id();
  t.join();
  EXPECT_NE(started, std::this_thread::get_id());
  EXPECT_EQ(ran_on, started);
  EXPECT_EQ(destroyed_on, started);
}

TEST(ThreadStart, TryStartRunsFnOnANewThread) {
  expect_run_and_destroyed_on_a_new_thread(
      [](auto&& fn) { return try_start_thread(std::forward<decltype(fn)>(fn)); });
}

// What image_scanner relies on to free a scan's results off the caller's thread.
TEST(ThreadStart, RunInlineStartsAThreadThatOwnsFn) {
  expect_run_and_destroyed_on_a_new_thread(
      [](auto&& fn) { return start_thread_or_run_inline(std::forward<decltype(fn)>(fn)); });
}

TEST(ThreadStart, StartThreadsStartsEveryOneAsked) {
  std::atomic<int> runs{0};
  std::vector<std::thread> threads = start_threads(3, [&] { ++runs; });
  ASSERT_EQ(threads.size(), 3u);
  std::set<std::thread::id> ids;
  for (std::thread& t : threads) {
    ids.insert(t.get_id());
    t.join();
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(runs.load(), 3);
  EXPECT_TRUE(start_threads(0, [&] { ++runs; }).empty());
}

TEST(ThreadStart, RefusedTryStartDropsFn) {
  expect_success_where_threads_are_refused([] {
    bool ran = false;
    std::thread t = try_start_thread([&] { ran = true; });
    return !t.joinable() && !ran ? 0 : 1;
  });
}

TEST(ThreadStart, RefusedRunInlineRunsFnHere) {
  expect_success_where_threads_are_refused([] {
    std::thread::id ran_on, destroyed_on;
    std::thread t =
        start_thread_or_run_inline([&, guard = std::make_unique<DestroyedOn>(&destroyed_on)] {
          ran_on = std::this_thread::get_id();
        });
    bool here = ran_on == std::this_thread::get_id() && destroyed_on == ran_on;
    return !t.joinable() && here ? 0 : 1;
  });
}

TEST(ThreadStart, RefusedStartThreadsStartsNone) {
  expect_success_where_threads_are_refused([] {
    std::atomic<int> runs{0};
    return start_threads(4, [&] { ++runs; }).empty() && runs == 0 ? 0 : 1;
  });
}

TEST(ThreadStart, ParallelForWithoutThreadsRunsEveryIndexHere) {
  expect_success_where_threads_are_refused([] {
    std::vector<int> seen(100);
    std::set<std::thread::id> ids;
    parallel_for(seen.size(), 4, [&](size_t i) {
      ++seen[i];
      ids.insert(std::this_thread::get_id());
    });
    bool once = std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; });
    return once && ids == std::set{std::this_thread::get_id()} ? 0 : 1;
  });
}

}  // namespace
}  // namespace strata
