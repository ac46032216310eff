// The test-support Subprocess (tests/support/subprocess.hpp) that the tests start their
// servers with: environment, stdout lines with a timeout, streams to and from files, exit,
// termination, a death signal; and run_command.
#include "support/subprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <memory>
#include <thread>

#include "support/test_env.hpp"

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

TEST(SubprocessTest, StreamsGoToAndComeFromFiles) {
  TempDir dir;
  write_file(dir.path() + "/in", "from a file\n");
  SubprocessOptions options;
  options.stdin_file = dir.path() + "/in";
  options.stdout_file = options.stderr_file = dir.path() + "/out";
  Subprocess child({"sh", "-c", "cat; echo to stderr >&2"}, {}, options);
  EXPECT_EQ(child.read_line(milliseconds(5000)), std::nullopt);  // no stdout pipe
  auto status = child.wait_for_exit(milliseconds(5000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_EQ(read_file(dir.path() + "/out"), "from a file\nto stderr\n");
}

TEST(SubprocessTest, HasExitedLeavesTheStatusToWaitFor) {
  Subprocess child({"sh", "-c", "exit 3"});
  for (int i = 0; i < 500 && !child.has_exited(); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(child.has_exited());
  auto status = child.wait_for_exit(milliseconds(1000));
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 3);
}

// The child outlives its object's thread here, as a server would outlive a test killed while
// its thread still held it: the death signal ends it.
TEST(SubprocessTest, ADeathSignalEndsTheChildWhenItsThreadEnds) {
  std::unique_ptr<Subprocess> child;
  std::thread maker([&child] {
    SubprocessOptions options;
    options.death_signal = SIGTERM;
    child = std::make_unique<Subprocess>(std::vector<std::string>{"sleep", "30"},
                                         std::vector<std::string>{}, options);
  });
  maker.join();
  for (int i = 0; i < 500 && !child->has_exited(); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(child->has_exited());
  int status = child->terminate();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

TEST(RunCommand, GivesExitCodeAndBothStreams) {
  CommandResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 4"}, 30);
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.output, "out\nerr\n");
}

TEST(RunCommand, ReadsStdinFromAFileAndNothingOtherwise) {
  TempDir dir;
  write_file(dir.path() + "/in", "given");
  EXPECT_EQ(run_command({"cat"}, 30, dir.path() + "/in").output, "given");
  CommandResult empty = run_command({"cat"}, 30);  // /dev/null: cat ends at once
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.output, "");
}

TEST(RunCommand, TimesOutAndFailsToStartWithoutThrowing) {
  auto started = std::chrono::steady_clock::now();
  CommandResult slow = run_command({"sleep", "30"}, 1);
  EXPECT_EQ(slow.exit_code, -1);
  EXPECT_NE(slow.output.find("timed out"), std::string::npos) << slow.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  CommandResult missing = run_command({"strata-no-such-program"}, 30);
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_NE(missing.output.find("strata-no-such-program"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace strata::test
