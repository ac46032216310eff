#include <gtest/gtest.h>

#include "strata/image/image_config.hpp"

namespace strata {
namespace {

// Fake tokens, built so no literal token appears in the source.
const std::string kGithubToken = std::string("gh") + "p_" + std::string(36, 'x');
const std::string kNpmToken = std::string("np") + "m_" + std::string(36, 'y');

// Every value must be found at its offset in the original text.
void expect_offsets(const std::string& created_by, const ParsedStep& step) {
  for (const BuildArg& arg : step.build_args) {
    ASSERT_LE(arg.value_offset + arg.value.size(), created_by.size()) << arg.name;
    EXPECT_EQ(created_by.substr(arg.value_offset, arg.value.size()), arg.value) << arg.name;
  }
}

TEST(HistoryStepTest, ClassicBuilderArgs) {
  std::string text =
      "|2 GITHUB_TOKEN=" + kGithubToken + " NPM_TOKEN=" + kNpmToken + " /bin/sh -c echo hi > x";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 2u);
  EXPECT_EQ(step.build_args[0].name, "GITHUB_TOKEN");
  EXPECT_EQ(step.build_args[0].value, kGithubToken);
  EXPECT_EQ(step.build_args[1].name, "NPM_TOKEN");
  EXPECT_EQ(step.build_args[1].value, kNpmToken);
  EXPECT_EQ(step.command, "/bin/sh -c echo hi > x");
  EXPECT_FALSE(step.buildkit);
  EXPECT_FALSE(step.mounts_secret);
  expect_offsets(text, step);
}

TEST(HistoryStepTest, BuildkitForm) {
  std::string text = "RUN |1 NPM_TOKEN=" + kNpmToken +
                     " /bin/sh -c cat /run/secrets/tok | wc -c > /len # buildkit";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, kNpmToken);
  EXPECT_EQ(step.build_args[0].value_offset, text.find(kNpmToken));
  EXPECT_EQ(step.command, "/bin/sh -c cat /run/secrets/tok | wc -c > /len");
  EXPECT_TRUE(step.buildkit);
}

TEST(HistoryStepTest, BuildkitStepWithoutArgs) {
  ParsedStep step = parse_history_step("RUN /bin/sh -c make # buildkit");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "/bin/sh -c make");
  EXPECT_TRUE(step.buildkit);
}

TEST(HistoryStepTest, NopEnvHasNoArgs) {
  std::string text = "/bin/sh -c #(nop) ENV API_KEY=" + std::string("s") + "k_" + "abc";
  ParsedStep step = parse_history_step(text);
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, text);
}

TEST(HistoryStepTest, BuildkitArgInstructionHasNoArgs) {
  ParsedStep step = parse_history_step("ARG NPM_TOKEN");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "ARG NPM_TOKEN");
  EXPECT_FALSE(step.buildkit);
}

TEST(HistoryStepTest, ZeroArgs) {
  ParsedStep step = parse_history_step("|0 /bin/sh -c true");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "/bin/sh -c true");
}

TEST(HistoryStepTest, BuildahSecretMountIsDetected) {
  std::string text =
      "|1 APP_VERSION=1.2.3 /bin/sh -c --mount=type=secret,id=npm_token test -s "
      "/run/secrets/npm_token";
  ParsedStep step = parse_history_step(text);
  EXPECT_TRUE(step.mounts_secret);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "1.2.3");
  EXPECT_EQ(step.command.rfind("/bin/sh -c --mount=", 0), 0u);
}

TEST(HistoryStepTest, SecretMountWithTypeAfterId) {
  EXPECT_TRUE(parse_history_step("/bin/sh -c --mount=id=tok,type=secret make").mounts_secret);
  EXPECT_FALSE(parse_history_step("/bin/sh -c --mount=type=cache,target=/c make").mounts_secret);
}

TEST(HistoryStepTest, EarlierValueWithSpacesKeepsThem) {
  std::string text = "|2 MSG=hello big world TOKEN=" + kNpmToken + " /bin/sh -c run";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 2u);
  EXPECT_EQ(step.build_args[0].value, "hello big world");
  EXPECT_EQ(step.build_args[1].value, kNpmToken);
  EXPECT_EQ(step.command, "/bin/sh -c run");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, LastValueWithSpacesRunsUpToTheShell) {
  std::string text = "|1 MSG=hello big world /bin/sh -c run";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "hello big world");
  EXPECT_EQ(step.command, "/bin/sh -c run");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, ExecFormCommandIsNotSwallowed) {
  ParsedStep step = parse_history_step("|1 A=b npm ci");
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "b");
  EXPECT_EQ(step.command, "npm ci");
}

TEST(HistoryStepTest, ValueContainingEqualsSigns) {
  std::string text = "|2 DSN=postgres://u:p@h/db?a=b&c=d B64=YWJj== /bin/sh -c x";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 2u);
  EXPECT_EQ(step.build_args[0].name, "DSN");
  EXPECT_EQ(step.build_args[0].value, "postgres://u:p@h/db?a=b&c=d");
  EXPECT_EQ(step.build_args[1].value, "YWJj==");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, EmptyValue) {
  std::string text = "|1 EMPTY= /bin/sh -c x";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "");
  EXPECT_EQ(step.build_args[0].value_offset, text.find(' ', 3));
  EXPECT_EQ(step.command, "/bin/sh -c x");
}

TEST(HistoryStepTest, KeyMustBeAnIdentifier) {
  // "1X=y" cannot start an arg: there is no first arg, so it is all command.
  ParsedStep step = parse_history_step("|1 1X=y /bin/sh -c x");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "1X=y /bin/sh -c x");
}

TEST(HistoryStepTest, CountLargerThanArgsDoesNotOverrun) {
  std::string text = "|9 A=b";
  ParsedStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "b");
  EXPECT_EQ(step.command, "");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, PipeWithoutCountIsCommand) {
  EXPECT_TRUE(parse_history_step("|x A=b cmd").build_args.empty());
  EXPECT_TRUE(parse_history_step("|").build_args.empty());
  EXPECT_TRUE(parse_history_step("").build_args.empty());
}

}  // namespace
}  // namespace strata
