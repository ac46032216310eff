#include "../../../src/remediation/remediation_support.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

HistoryInstruction workdir(const std::string& dir) { return {"WORKDIR", dir, {}, false}; }

TEST(RemediationSupportTest, OnlyAChangedWorkdirIsStored) {
  std::vector<HistoryInstruction> history(20000, workdir("/app"));
  std::vector<WorkdirChange> changes = workdirs_of(history);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(workdir_at(changes, 0), "/");
  EXPECT_EQ(workdir_at(changes, 1), "/app");
  EXPECT_EQ(workdir_at(changes, 19999), "/app");
}

TEST(RemediationSupportTest, AGrowingWorkdirIsCapped) {
  std::vector<HistoryInstruction> history(5000, workdir("sub"));
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
  std::vector<HistoryInstruction> history = {
      workdir("/a"), {"RUN", "x", {}, false}, workdir("b"), {"RUN", "y", {}, false}};
  std::vector<WorkdirChange> changes = workdirs_of(history);
  EXPECT_EQ(workdir_at(changes, 0), "/");
  EXPECT_EQ(workdir_at(changes, 1), "/a");
  EXPECT_EQ(workdir_at(changes, 3), "/a/b");
  EXPECT_EQ(workdir_at(changes, 99), "/a/b");
}

TEST(RemediationSupportTest, RecordedInstructionsDropBuildKitsMarker) {
  EXPECT_EQ(recorded_instruction("COPY .env . # buildkit"), "COPY .env .");
}

}  // namespace
}  // namespace strata
