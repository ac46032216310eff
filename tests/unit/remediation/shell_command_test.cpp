#include "../../../src/remediation/shell_command.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(ShellCommandTest, SplitsOnSeparatorsOutsideQuotes) {
  ShellCommand c = split_shell_command("a && b 'x && y' ; c || d | e");
  ASSERT_EQ(c.segments.size(), 5u);
  EXPECT_EQ(c.segments[0].text, "a");
  EXPECT_EQ(c.segments[0].separator, "&&");
  EXPECT_EQ(c.segments[1].text, "b 'x && y'");
  EXPECT_EQ(c.segments[1].separator, ";");
  EXPECT_EQ(c.segments[2].separator, "||");
  EXPECT_EQ(c.segments[3].separator, "|");
  EXPECT_EQ(c.segments[4].separator, "");
}

TEST(ShellCommandTest, FindsTheRedirectTarget) {
  ShellCommand c = split_shell_command("echo \"t=${T}\" > /root/.npmrc && echo ok >> '/app/log'");
  EXPECT_EQ(c.segments[0].redirect_target, "/root/.npmrc");
  EXPECT_EQ(c.segments[1].redirect_target, "/app/log");
}

TEST(ShellCommandTest, DeviceAndDescriptorRedirectsAreNoTargets) {
  ShellCommand c = split_shell_command("x >/dev/null 2>&1; y >&2; z 2>/dev/stderr");
  for (const ShellSegment& s : c.segments) EXPECT_EQ(s.redirect_target, "") << s.text;
}

TEST(ShellCommandTest, AQuotedGreaterThanIsNoRedirect) {
  EXPECT_EQ(split_shell_command("echo 'a > b'").segments[0].redirect_target, "");
}

TEST(ShellCommandTest, VariableUseNeedsTheWholeName) {
  EXPECT_TRUE(uses_variable("echo $NPM_TOKEN", "NPM_TOKEN"));
  EXPECT_TRUE(uses_variable("echo ${NPM_TOKEN}x", "NPM_TOKEN"));
  EXPECT_TRUE(uses_variable("echo ${NPM_TOKEN:-none}", "NPM_TOKEN"));
  EXPECT_FALSE(uses_variable("echo $NPM_TOKEN_2", "NPM_TOKEN"));
  EXPECT_FALSE(uses_variable("echo NPM_TOKEN", "NPM_TOKEN"));
}

TEST(ShellCommandTest, RemovesOneSegmentOfAnAndChain) {
  ShellCommand c = split_shell_command("write > f && npm ci && npm test");
  bool ok = false;
  EXPECT_EQ(without_segment(c, 0, ok), "npm ci && npm test");
  EXPECT_TRUE(ok);
}

TEST(ShellCommandTest, RemovingTheOnlySegmentLeavesNothing) {
  bool ok = false;
  EXPECT_EQ(without_segment(split_shell_command("write > f"), 0, ok), "");
  EXPECT_TRUE(ok);
}

TEST(ShellCommandTest, DoesNotRemoveFromAPipeline) {
  bool ok = true;
  without_segment(split_shell_command("write | tee f && b"), 0, ok);
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace strata
