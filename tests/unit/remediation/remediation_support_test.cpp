#include "../../../src/remediation/remediation_support.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

HistoryStep step(const std::string& keyword, const std::string& body) {
  HistoryStep s;
  s.keyword = keyword;
  s.body = body;
  return s;
}
HistoryStep workdir(const std::string& dir) { return step("WORKDIR", dir); }

TEST(RemediationSupportTest, OnlyAChangedWorkdirIsStored) {
  std::vector<HistoryStep> history(20000, workdir("/app"));
  std::vector<WorkdirChange> changes = workdirs_of(history);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(workdir_at(changes, 0), "/");
  EXPECT_EQ(workdir_at(changes, 1), "/app");
  EXPECT_EQ(workdir_at(changes, 19999), "/app");
}

TEST(RemediationSupportTest, AGrowingWorkdirIsCapped) {
  std::vector<HistoryStep> history(5000, workdir("sub"));
  std::vector<WorkdirChange> changes = workdirs_of(history);
  size_t bytes = 0;
  for (const WorkdirChange& c : changes) {
    EXPECT_LE(c.dir.size(), kMaxPathBytes);
    bytes += c.dir.size();
  }
  EXPECT_LT(changes.size(), 1100u);
  EXPECT_LT(bytes, 1100u * kMaxPathBytes);
}

TEST(RemediationSupportTest, AStepRunsInTheWorkdirSetBeforeIt) {
  std::vector<HistoryStep> history = {workdir("/a"), step("RUN", "x"), workdir("b"),
                                      step("RUN", "y")};
  std::vector<WorkdirChange> changes = workdirs_of(history);
  EXPECT_EQ(workdir_at(changes, 0), "/");
  EXPECT_EQ(workdir_at(changes, 1), "/a");
  EXPECT_EQ(workdir_at(changes, 3), "/a/b");
  EXPECT_EQ(workdir_at(changes, 99), "/a/b");
}

TEST(RemediationSupportTest, RecordedInstructionsDropBuildKitsMarker) {
  EXPECT_EQ(recorded_instruction("COPY .env . # buildkit"), "COPY .env .");
}

TEST(RemediationSupportTest, RecordedInstructionsHideBuildArgValues) {
  std::string value = std::string("npm") + "_" + std::string(36, 'q');
  EXPECT_EQ(recorded_instruction("RUN |1 NPM_TOKEN=" + value + " /bin/sh -c npm ci # buildkit"),
            "RUN |1 NPM_TOKEN=… /bin/sh -c npm ci");
  EXPECT_EQ(recorded_instruction("|1 NPM_TOKEN=" + value + " /bin/sh -c npm ci"),
            "|1 NPM_TOKEN=… /bin/sh -c npm ci");
}

TEST(RemediationSupportTest, RecordedInstructionsDropTheShellOfMetadataSteps) {
  EXPECT_EQ(recorded_instruction("/bin/sh -c #(nop)  ENV  A=1   B=2 "), "ENV A=1 B=2");
  EXPECT_EQ(recorded_instruction("/bin/bash -o pipefail -c #(nop)  USER app"), "USER app");
}

TEST(RemediationSupportTest, RecordedInstructionsShortenClassicCopyDigests) {
  std::string digest(64, 'a');
  EXPECT_EQ(recorded_instruction("/bin/sh -c #(nop) COPY file:" + digest + " in /app/.env "),
            "COPY file:aaaaaaaaaaaa… in /app/.env");
  EXPECT_EQ(recorded_instruction("/bin/sh -c #(nop) ADD dir:0123abcd in / "),
            "ADD dir:0123abcd in /");
}

}  // namespace
}  // namespace strata
