// The test-support Subprocess (tests/support/subprocess.hpp) that the net tests start their
// servers with: environment, stdout lines with a timeout, exit, and termination.
#include "support/subprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

namespace strata::test {
namespace {

using std::chrono::milliseconds;

TEST(SubprocessTest, PassesEnvironmentAndReadsLines) {
  setenv("STRATA_SUBPROCESS_KEPT", "kept", 1);
  Subprocess child({"sh", "-c", "echo \"$A $STRATA_SUBPROCESS_KEPT\"; printf 'two\\nthree'"},
                   {"A=given"});
  EXPECT_EQ(child.read_line(milliseconds(5000)), "given kept");
  EXPECT_EQ(child.read_line(milliseconds(5000)), "two");
  EXPECT_EQ(child.read_line(milliseconds(5000)), std::nullopt);  // no newline, then EOF
  auto status = child.wait_for_exit(milliseconds(5000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST(SubprocessTest, ReadLineTimesOutAndTerminateEndsTheGroup) {
  Subprocess child({"sh", "-c", "sleep 30 & sleep 30"});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(child.read_line(milliseconds(200)), std::nullopt);
  EXPECT_EQ(child.wait_for_exit(milliseconds(100)), std::nullopt);
  int status = child.terminate();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(child.terminate(), -1);  // already reaped
}

TEST(SubprocessTest, AMissingProgramThrows) {
  EXPECT_THROW(Subprocess({"/nonexistent/strata-no-such-program"}), std::runtime_error);
}

}  // namespace
}  // namespace strata::test
