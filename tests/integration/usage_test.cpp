// The binary's usage errors and where its output goes, on targets the tests make themselves
// (no real images needed).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_env.hpp"

namespace strata::test {
namespace {

TEST(UsageTest, MissingTargetGivesExit2) {
  TempDir tmp;
  RunResult r = run_strata({"scan", tmp.path() + "/no-such-image.tar"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(r.err.empty());
}

TEST(UsageTest, MalformedReportFlagIsAnError) {
  auto run = run_strata({"scan", "/nonexistent", "--report", "yaml=x"});
  EXPECT_EQ(run.exit_code, 2);
}

// `-o /dev/stdout >> log`: the log behind stdout is appended to, never replaced by rename
// (which would drop what the log held and cut the shell's redirect off).
TEST(UsageTest, OutputToDevStdoutAppendsToTheRedirectedFile) {
  TempDir dir;
  std::string log = dir.path() + "/ci.log";
  write_file(log, "before\n");
  std::filesystem::create_directory(dir.path() + "/empty");
  std::string cmd = std::string("'") + STRATA_BINARY + "' scan '" + dir.path() + "/empty" +
                    "' -q -f json -o /dev/stdout >> '" + log + "'; echo after >> '" + log + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string text = read_file(log);
  ASSERT_TRUE(text.starts_with("before\n{")) << text.substr(0, 40);
  ASSERT_TRUE(text.ends_with("}\nafter\n"));
  EXPECT_TRUE(nlohmann::json::accept(text.substr(7, text.size() - 7 - 6)));
}

// A name that is neither a file nor a reachable image: the error says both, so a mistyped
// directory is not mistaken for a registry problem. (No network is needed: the registry the
// name expands to cannot be reached from the tests, and the error says so.)
TEST(UsageTest, AMissingPathThatParsesAsAReferenceSaysNoSuchFileEither) {
  auto r = run_strata({"scan", "no-such-dir-xyz", "--retries", "0", "--timeout", "5"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("docker.io/library/no-such-dir-xyz"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no file or directory named no-such-dir-xyz exists"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace strata::test
