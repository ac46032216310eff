#include "strata/core/thread_priority.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace strata {
namespace {

#ifdef __linux__
// Nice values stop at 19, should the tests themselves run niced.
int lower_by(int nice, int by) { return std::min(nice + by, 19); }

TEST(ThreadPriority, LowersOnlyTheCallingThreadAndWhatItStartsAfterwards) {
  int main_nice = thread_nice();
  int lowered = -100;
  int started_after = -100;
  std::thread worker([&] {
    ASSERT_TRUE(lower_thread_priority(lower_by(main_nice, 5)));
    lowered = thread_nice();
    std::thread child([&] { started_after = thread_nice(); });
    child.join();
  });
  worker.join();
  EXPECT_EQ(lowered, lower_by(main_nice, 5));
  EXPECT_EQ(started_after, lower_by(main_nice, 5));  // the pipelined walk's threads rely on this
  EXPECT_EQ(thread_nice(), main_nice);
}

TEST(ThreadPriority, NeverRaisesPriority) {
  std::thread worker([&] {
    int before = thread_nice();
    ASSERT_TRUE(lower_thread_priority(lower_by(before, 3)));
    EXPECT_TRUE(lower_thread_priority(before + 1));  // already as low or lower: left as it is
    EXPECT_EQ(thread_nice(), lower_by(before, 3));
  });
  worker.join();
}
#endif

}  // namespace
}  // namespace strata
