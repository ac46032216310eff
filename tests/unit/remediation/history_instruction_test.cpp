#include "../../../src/remediation/history_instruction.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

// Forms recorded by the real builders (tests/support/real-images), values made up.
const std::string kValue = std::string("npm") + "_" + std::string(36, 'q');

TEST(HistoryInstructionTest, BuildkitRunWithArgs) {
  HistoryInstruction h =
      classify_history("RUN |1 NPM_TOKEN=" + kValue + " /bin/sh -c npm ci # buildkit");
  EXPECT_EQ(h.keyword, "RUN");
  EXPECT_EQ(h.body, "npm ci");
  EXPECT_TRUE(h.buildkit);
}

TEST(HistoryInstructionTest, ClassicRunWithArgs) {
  HistoryInstruction h = classify_history("|1 NPM_TOKEN=" + kValue + " /bin/sh -c npm ci");
  EXPECT_EQ(h.keyword, "RUN");
  EXPECT_EQ(h.body, "npm ci");
}

TEST(HistoryInstructionTest, PlainClassicRun) {
  HistoryInstruction h = classify_history("/bin/sh -c echo hi > /x");
  EXPECT_EQ(h.keyword, "RUN");
  EXPECT_EQ(h.body, "echo hi > /x");
}

TEST(HistoryInstructionTest, BuildahKeepsRunMountOptions) {
  HistoryInstruction h =
      classify_history("/bin/sh -c --mount=type=secret,id=npm_token test -s /run/secrets/x");
  EXPECT_EQ(h.keyword, "RUN");
  ASSERT_EQ(h.flags.size(), 1u);
  EXPECT_EQ(h.flags[0], "--mount=type=secret,id=npm_token");
  EXPECT_EQ(h.body, "test -s /run/secrets/x");
}

TEST(HistoryInstructionTest, NopInstructionsOfClassicAndBuildah) {
  HistoryInstruction env = classify_history("/bin/sh -c #(nop)  ENV STRIPE_API_KEY=x");
  EXPECT_EQ(env.keyword, "ENV");
  EXPECT_EQ(env.body, "STRIPE_API_KEY=x");
  HistoryInstruction copy = classify_history("/bin/sh -c #(nop) COPY file:abc123 in /app/id_rsa ");
  EXPECT_EQ(copy.keyword, "COPY");
  EXPECT_EQ(copy_destination(copy.body, true), "/app/id_rsa");
}

TEST(HistoryInstructionTest, BuildkitMetadataInstructions) {
  EXPECT_EQ(classify_history("ARG NPM_TOKEN").keyword, "ARG");
  EXPECT_EQ(classify_history("WORKDIR /app").body, "/app");
  HistoryInstruction copy = classify_history("COPY .env . # buildkit");
  EXPECT_EQ(copy.keyword, "COPY");
  EXPECT_EQ(copy_destination(copy.body, false), ".");
}

TEST(HistoryInstructionTest, AnUnknownEntryHasNoKeyword) {
  EXPECT_EQ(classify_history("busybox-static rootfs").keyword, "");
  EXPECT_EQ(classify_history("").keyword, "");
}

TEST(HistoryInstructionTest, AssignedNamesAndValues) {
  std::vector<std::string> names = assigned_names("A=1 B=\"x y\" C", false);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[1], "B");
  EXPECT_EQ(names[2], "C");
  EXPECT_EQ(assigned_value("A=1 B=\"x y\"", "B"), "x y");
  EXPECT_EQ(assigned_names("NAME some value", true), std::vector<std::string>{"NAME"});
  EXPECT_EQ(assigned_value("NAME some value", "NAME"), "some value");
}

}  // namespace
}  // namespace strata
