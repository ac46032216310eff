#include "strata/core/thread_priority.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace strata {
namespace {

#ifdef __linux__
TEST(ThreadPriority, LowersOnlyTheCallingThreadAndWhatItStartsAfterwards) {
  int main_nice = thread_nice();
  int lowered = -100;
  int started_after = -100;
  std::thread worker([&] {
    ASSERT_TRUE(lower_thread_priority(main_nice + 5));
    lowered = thread_nice();
    std::thread child([&] { started_after = thread_nice(); });
    child.join();
  });
  worker.join();
  EXPECT_EQ(lowered, main_nice + 5);
  EXPECT_EQ(started_after, main_nice + 5);  // the pipelined walk's threads rely on this
  EXPECT_EQ(thread_nice(), main_nice);
}

TEST(ThreadPriority, NeverRaisesPriority) {
  std::thread worker([&] {
    int before = thread_nice();
    ASSERT_TRUE(lower_thread_priority(before + 3));
    EXPECT_TRUE(lower_thread_priority(before + 1));  // already lower: left as it is
    EXPECT_EQ(thread_nice(), before + 3);
  });
  worker.join();
}
#endif

}  // namespace
}  // namespace strata
