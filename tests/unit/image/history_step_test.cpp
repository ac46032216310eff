#include "strata/image/history_step.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

// Fake tokens, built so no literal token appears in the source.
const std::string kGithubToken = std::string("gh") + "p_" + std::string(36, 'x');
const std::string kNpmToken = std::string("np") + "m_" + std::string(36, 'y');

// Every value must be found at its offset in the original text.
void expect_offsets(const std::string& created_by, const HistoryStep& step) {
  for (const BuildArg& arg : step.build_args) {
    ASSERT_LE(arg.value_offset + arg.value.size(), created_by.size()) << arg.name;
    EXPECT_EQ(created_by.substr(arg.value_offset, arg.value.size()), arg.value) << arg.name;
  }
}

TEST(HistoryStepTest, ClassicBuilderArgs) {
  std::string text =
      "|2 GITHUB_TOKEN=" + kGithubToken + " NPM_TOKEN=" + kNpmToken + " /bin/sh -c echo hi > x";
  HistoryStep step = parse_history_step(text);
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
  HistoryStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, kNpmToken);
  EXPECT_EQ(step.build_args[0].value_offset, text.find(kNpmToken));
  EXPECT_EQ(step.command, "/bin/sh -c cat /run/secrets/tok | wc -c > /len");
  EXPECT_TRUE(step.buildkit);
}

TEST(HistoryStepTest, BuildkitStepWithoutArgs) {
  HistoryStep step = parse_history_step("RUN /bin/sh -c make # buildkit");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "/bin/sh -c make");
  EXPECT_TRUE(step.buildkit);
}

TEST(HistoryStepTest, NopEnvHasNoArgs) {
  std::string text = "/bin/sh -c #(nop) ENV API_KEY=" + std::string("s") + "k_" + "abc";
  HistoryStep step = parse_history_step(text);
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, text);
}

TEST(HistoryStepTest, BuildkitArgInstructionHasNoArgs) {
  HistoryStep step = parse_history_step("ARG NPM_TOKEN");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "ARG NPM_TOKEN");
  EXPECT_FALSE(step.buildkit);
}

TEST(HistoryStepTest, ZeroArgs) {
  HistoryStep step = parse_history_step("|0 /bin/sh -c true");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "/bin/sh -c true");
}

TEST(HistoryStepTest, BuildahSecretMountIsDetected) {
  std::string text =
      "|1 APP_VERSION=1.2.3 /bin/sh -c --mount=type=secret,id=npm_token test -s "
      "/run/secrets/npm_token";
  HistoryStep step = parse_history_step(text);
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
  HistoryStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 2u);
  EXPECT_EQ(step.build_args[0].value, "hello big world");
  EXPECT_EQ(step.build_args[1].value, kNpmToken);
  EXPECT_EQ(step.command, "/bin/sh -c run");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, LastValueWithSpacesRunsUpToTheShell) {
  std::string text = "|1 MSG=hello big world /bin/sh -c run";
  HistoryStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "hello big world");
  EXPECT_EQ(step.command, "/bin/sh -c run");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, ExecFormCommandIsNotSwallowed) {
  HistoryStep step = parse_history_step("|1 A=b npm ci");
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "b");
  EXPECT_EQ(step.command, "npm ci");
}

TEST(HistoryStepTest, ValueContainingEqualsSigns) {
  std::string text = "|2 DSN=postgres://u:p@h/db?a=b&c=d B64=YWJj== /bin/sh -c x";
  HistoryStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 2u);
  EXPECT_EQ(step.build_args[0].name, "DSN");
  EXPECT_EQ(step.build_args[0].value, "postgres://u:p@h/db?a=b&c=d");
  EXPECT_EQ(step.build_args[1].value, "YWJj==");
  expect_offsets(text, step);
}

TEST(HistoryStepTest, EmptyValue) {
  std::string text = "|1 EMPTY= /bin/sh -c x";
  HistoryStep step = parse_history_step(text);
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].value, "");
  EXPECT_EQ(step.build_args[0].value_offset, text.find(' ', 3));
  EXPECT_EQ(step.command, "/bin/sh -c x");
}

TEST(HistoryStepTest, KeyMustBeAnIdentifier) {
  // "1X=y" cannot start an arg: there is no first arg, so it is all command.
  HistoryStep step = parse_history_step("|1 1X=y /bin/sh -c x");
  EXPECT_TRUE(step.build_args.empty());
  EXPECT_EQ(step.command, "1X=y /bin/sh -c x");
}

TEST(HistoryStepTest, CountLargerThanArgsDoesNotOverrun) {
  std::string text = "|9 A=b";
  HistoryStep step = parse_history_step(text);
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

// Which instruction, across the builders' forms (tests/support/real-images records them).

TEST(HistoryStepTest, ClassicNopMetadataStep) {
  HistoryStep step = parse_history_step("/bin/sh -c #(nop)  ENV STRIPE_API_KEY=x");
  EXPECT_TRUE(step.nop);
  EXPECT_EQ(step.keyword, "ENV");
  EXPECT_EQ(step.body, "STRIPE_API_KEY=x");
  EXPECT_FALSE(step.writes_files());
  EXPECT_FALSE(step.buildkit);
}

// SHELL ["/bin/bash", "-o", "pipefail", "-c"] makes the classic builder record that shell.
TEST(HistoryStepTest, ClassicNopUnderAnotherShell) {
  HistoryStep step = parse_history_step("/bin/bash -o pipefail -c #(nop)  LABEL a=b");
  EXPECT_TRUE(step.nop);
  EXPECT_EQ(step.keyword, "LABEL");
  EXPECT_FALSE(step.writes_files());
}

TEST(HistoryStepTest, ClassicRun) {
  HistoryStep step = parse_history_step("/bin/sh -c echo hi > /x");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "echo hi > /x");
  EXPECT_FALSE(step.nop);
  EXPECT_TRUE(step.writes_files());
}

TEST(HistoryStepTest, ClassicRunWithArgs) {
  HistoryStep step = parse_history_step("|1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "npm ci");
  ASSERT_EQ(step.build_args.size(), 1u);
  EXPECT_EQ(step.build_args[0].name, "NPM_TOKEN");
  EXPECT_TRUE(step.writes_files());
}

TEST(HistoryStepTest, BuildkitRunWithArgs) {
  HistoryStep step =
      parse_history_step("RUN |1 NPM_TOKEN=" + kNpmToken + " /bin/sh -c npm ci # buildkit");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "npm ci");
  EXPECT_TRUE(step.buildkit);
  EXPECT_TRUE(step.flags.empty());
  EXPECT_TRUE(step.writes_files());
}

TEST(HistoryStepTest, BuildkitRunWithoutArgs) {
  HistoryStep step = parse_history_step("RUN /bin/sh -c make install # buildkit");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "make install");
  EXPECT_TRUE(step.build_args.empty());
}

TEST(HistoryStepTest, BuildkitMetadataSteps) {
  for (std::string text : {"ARG NPM_TOKEN", "ENV A=1 # buildkit", "WORKDIR /app", "USER app",
                           "HEALTHCHECK &{[\"CMD\" \"true\"] \"30s\" \"3s\" \"0s\" '\\x03'}"}) {
    HistoryStep step = parse_history_step(text);
    EXPECT_FALSE(step.writes_files()) << text;
    EXPECT_EQ(step.keyword, text.substr(0, text.find(' '))) << text;
  }
  EXPECT_EQ(parse_history_step("WORKDIR /app").body, "/app");
}

TEST(HistoryStepTest, BuildkitCopyNamesItsSources) {
  HistoryStep step = parse_history_step("COPY .env . # buildkit");
  EXPECT_EQ(step.keyword, "COPY");
  EXPECT_EQ(step.body, ".env .");
  EXPECT_TRUE(step.buildkit);
  EXPECT_EQ(step.classic_copy.content, CopiedContent::kNone);
  EXPECT_TRUE(step.writes_files());
}

TEST(HistoryStepTest, BuildahShowsRunMountOptions) {
  HistoryStep step = parse_history_step(
      "|1 A=b /bin/sh -c --mount=type=secret,id=npm_token --network=none test -s /run/secrets/x");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.flags,
            (std::vector<std::string>{"--mount=type=secret,id=npm_token", "--network=none"}));
  EXPECT_EQ(step.body, "test -s /run/secrets/x");
  EXPECT_TRUE(step.mounts_secret);
}

TEST(HistoryStepTest, ClassicCopyOfAFile) {
  std::string digest(64, 'c');
  HistoryStep step =
      parse_history_step("/bin/sh -c #(nop) COPY file:" + digest + " in /app/id_rsa ");
  EXPECT_EQ(step.keyword, "COPY");
  EXPECT_EQ(step.classic_copy.content, CopiedContent::kFile);
  EXPECT_EQ(step.classic_copy.digest, digest);
  EXPECT_EQ(step.classic_copy.destination, "/app/id_rsa");
  EXPECT_TRUE(step.writes_files());
}

TEST(HistoryStepTest, ClassicAddOfADirectoryAndOfSeveralSources) {
  HistoryStep dir = parse_history_step("/bin/sh -c #(nop) ADD dir:0a1b2c in / ");
  EXPECT_EQ(dir.keyword, "ADD");
  EXPECT_EQ(dir.classic_copy.content, CopiedContent::kDirectory);
  EXPECT_EQ(dir.classic_copy.digest, "0a1b2c");
  EXPECT_EQ(dir.classic_copy.destination, "/");
  HistoryStep multi = parse_history_step("/bin/sh -c #(nop) COPY multi:ff00 in /etc/app/ ");
  EXPECT_EQ(multi.classic_copy.content, CopiedContent::kSeveral);
  EXPECT_EQ(multi.classic_copy.destination, "/etc/app/");
}

TEST(HistoryStepTest, MultiLineRunKeepsItsLines) {
  HistoryStep step =
      parse_history_step("RUN /bin/sh -c apt-get update &&\n  apt-get install -y x # buildkit");
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "apt-get update &&\n  apt-get install -y x");
}

TEST(HistoryStepTest, MultiLineMetadataStep) {
  HistoryStep step = parse_history_step("/bin/sh -c #(nop)  LABEL a=1 \\\n b=2");
  EXPECT_EQ(step.keyword, "LABEL");
  EXPECT_EQ(step.body, "a=1 \\\n b=2");
  EXPECT_FALSE(step.writes_files());
}

// A base image's own entry, or none at all: nothing says the step wrote no files.
TEST(HistoryStepTest, UnknownAndEmptyEntries) {
  for (std::string text : {"", "   ", "busybox-static rootfs", "|x A=b cmd"}) {
    HistoryStep step = parse_history_step(text);
    EXPECT_EQ(step.keyword, "") << text;
    EXPECT_TRUE(step.writes_files()) << text;
    EXPECT_FALSE(step.nop) << text;
  }
}

// "#(nop)" inside a RUN's command is the user's text, not the classic builder's marker.
TEST(HistoryStepTest, NopInsideARunIsItsText) {
  HistoryStep step = parse_history_step("RUN |1 A=b /bin/sh -c echo '#(nop) ENV' # buildkit");
  EXPECT_FALSE(step.nop);
  EXPECT_EQ(step.keyword, "RUN");
  EXPECT_EQ(step.body, "echo '#(nop) ENV'");
}

}  // namespace
}  // namespace strata
