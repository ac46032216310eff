#include "strata/core/parallel_for.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace strata {
namespace {

TEST(ParallelFor, EveryIndexRunsOnce) {
  std::vector<std::atomic<int>> seen(1000);
  parallel_for(seen.size(), 4, [&](size_t i) { ++seen[i]; });
  for (const auto& s : seen) EXPECT_EQ(s.load(), 1);
}

TEST(ParallelFor, NothingToDoRunsNothing) {
  int calls = 0;
  parallel_for(0, 4, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// An exception on any thread reaches the caller (instead of std::terminate) and stops the rest.
// Every other call takes a little while, so the rest cannot all finish while the throwing
// thread waits for a core (they did, on a loaded machine, when the calls were instant).
TEST(ParallelFor, AnExceptionReachesTheCaller) {
  std::atomic<size_t> calls{0};
  EXPECT_THROW(parallel_for(100000, 4,
                            [&](size_t i) {
                              ++calls;
                              if (i == 10) throw std::runtime_error("no");
                              std::this_thread::sleep_for(std::chrono::microseconds(20));
                            }),
               std::runtime_error);
  EXPECT_LT(calls.load(), 100000u);
}

}  // namespace
}  // namespace strata
