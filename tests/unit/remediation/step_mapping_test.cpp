#include "strata/remediation/step_mapping.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

// History shapes as BuildKit, the classic builder and buildah record them
// (tests/support/real-images: docker.Dockerfile and leaky.Containerfile), values made up.
const std::string kToken = std::string("npm") + "_" + std::string(36, 'k');

constexpr const char* kDockerfile =
    "# syntax=docker/dockerfile:1\n"                      // 1
    "FROM scratch\n"                                      // 2
    "ADD rootfs.tar /\n"                                  // 3
    "ARG NPM_TOKEN\n"                                     // 4
    "ENV API_KEY=placeholder\n"                           // 5
    "WORKDIR /app\n"                                      // 6
    "COPY .env .\n"                                       // 7
    "RUN echo \"t=${NPM_TOKEN}\" > /root/.npmrc && \\\n"  // 8
    "    echo built > /app/artifact.txt\n"                // 9
    "CMD [\"/bin/sh\"]\n";                                // 10

std::vector<HistoryEntry> history(const std::vector<std::string>& created_by) {
  std::vector<HistoryEntry> out;
  for (const std::string& c : created_by) {
    HistoryEntry entry;
    entry.created_by = c;
    out.push_back(entry);
  }
  return out;
}

std::vector<int> lines(const StepMapping& m) {
  std::vector<int> out;
  for (const DockerfileInstruction* in : m.instruction) out.push_back(in ? in->line : 0);
  return out;
}

Dockerfile parse(const std::string& text) {
  auto df = parse_dockerfile(text);
  EXPECT_TRUE(df) << df.error().message;
  return *df;
}

const std::string kRun =
    "echo \"t=${NPM_TOKEN}\" > /root/.npmrc &&     echo built > /app/artifact.txt";

TEST(StepMappingTest, BuildkitHistoryMapsEveryInstruction) {
  auto h = history({"ADD rootfs.tar / # buildkit", "ARG NPM_TOKEN", "ENV API_KEY=placeholder",
                    "WORKDIR /app", "COPY .env . # buildkit",
                    "RUN |1 NPM_TOKEN=" + kToken + " /bin/sh -c " + kRun + " # buildkit",
                    "CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);  // the mapping points into it
  StepMapping m = map_history_to_dockerfile(h, df);
  ASSERT_TRUE(m.mapped);
  EXPECT_EQ(lines(m), (std::vector<int>{3, 4, 5, 6, 7, 8, 10}));
}

TEST(StepMappingTest, ClassicHistoryMapsAfterTheBaseImage) {
  auto h = history({"/bin/sh -c #(nop) ADD file:8b4e86 in / ", "/bin/sh -c #(nop)  ARG NPM_TOKEN",
                    "/bin/sh -c #(nop)  ENV API_KEY=placeholder", "/bin/sh -c #(nop) WORKDIR /app",
                    "/bin/sh -c #(nop) COPY file:dc7b4e in . ",
                    "|1 NPM_TOKEN=" + kToken + " /bin/sh -c " + kRun,
                    "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);  // the mapping points into it
  StepMapping m = map_history_to_dockerfile(h, df);
  ASSERT_TRUE(m.mapped);
  EXPECT_EQ(m.at(5)->line, 8);
  EXPECT_EQ(m.at(4)->keyword, "COPY");
}

TEST(StepMappingTest, BuildahBaseStepsStayUnmappedAndArgsAccumulate) {
  Dockerfile df = parse(
      "FROM base\nARG NPM_TOKEN\nARG GITHUB_TOKEN\nWORKDIR /app\nRUN --mount=type=secret,id=s "
      "test -s /run/secrets/s\n");
  auto h =
      history({"busybox-static rootfs", "/bin/sh -c #(nop) ARG NPM_TOKEN",
               "/bin/sh -c #(nop) ARG GITHUB_TOKEN NPM_TOKEN", "/bin/sh -c #(nop) WORKDIR /app",
               "|2 GITHUB_TOKEN=x NPM_TOKEN=y /bin/sh -c --mount=type=secret,id=s test -s "
               "/run/secrets/s"});
  StepMapping m = map_history_to_dockerfile(h, df);
  ASSERT_TRUE(m.mapped);
  EXPECT_EQ(lines(m), (std::vector<int>{0, 2, 3, 4, 5}));
}

TEST(StepMappingTest, ADifferentRunCommandMapsNothing) {
  auto h = history({"ADD rootfs.tar / # buildkit", "ARG NPM_TOKEN", "ENV API_KEY=placeholder",
                    "WORKDIR /app", "COPY .env . # buildkit",
                    "RUN |1 NPM_TOKEN=" + kToken + " /bin/sh -c npm ci # buildkit",
                    "CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);  // the mapping points into it
  StepMapping m = map_history_to_dockerfile(h, df);
  EXPECT_FALSE(m.mapped);
  EXPECT_EQ(m.at(5), nullptr);
}

TEST(StepMappingTest, ADifferentCopyDestinationMapsNothing) {
  auto h = history({"ADD rootfs.tar / # buildkit", "ARG NPM_TOKEN", "ENV API_KEY=placeholder",
                    "WORKDIR /app", "COPY .env /srv/ # buildkit",
                    "RUN |1 NPM_TOKEN=" + kToken + " /bin/sh -c " + kRun + " # buildkit",
                    "CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);
  EXPECT_FALSE(map_history_to_dockerfile(h, df).mapped);
}

TEST(StepMappingTest, ADifferentEnvNameMapsNothing) {
  auto h = history({"ADD rootfs.tar / # buildkit", "ARG NPM_TOKEN", "ENV OTHER=placeholder",
                    "WORKDIR /app", "COPY .env . # buildkit",
                    "RUN |1 NPM_TOKEN=" + kToken + " /bin/sh -c " + kRun + " # buildkit",
                    "CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);
  EXPECT_FALSE(map_history_to_dockerfile(h, df).mapped);
}

TEST(StepMappingTest, ALongerDockerfileThanHistoryMapsNothing) {
  auto h = history({"CMD [\"/bin/sh\"]"});
  Dockerfile df = parse(kDockerfile);
  EXPECT_FALSE(map_history_to_dockerfile(h, df).mapped);
}

TEST(StepMappingTest, OnlyTheFinalStageIsInTheImage) {
  Dockerfile df = parse(
      "FROM base AS builder\nARG T\nRUN make\n\nFROM base\nWORKDIR /app\n"
      "COPY --from=builder /src/app.bin /app/\nCMD [\"/bin/sh\"]\n");
  auto h = history({"busybox-static rootfs", "/bin/sh -c #(nop) WORKDIR /app",
                    "/bin/sh -c #(nop) COPY file:3207 in /app/ ",
                    "/bin/sh -c #(nop) CMD [\"/bin/sh\"]"});
  StepMapping m = map_history_to_dockerfile(h, df);
  ASSERT_TRUE(m.mapped);
  EXPECT_EQ(lines(m), (std::vector<int>{0, 6, 7, 8}));
}

TEST(StepMappingTest, AFinalStageBuiltOnAnEarlierStageIncludesItsSteps) {
  Dockerfile df = parse("FROM base AS deps\nRUN install\nFROM deps\nRUN build\n");
  auto h = history({"base rootfs", "/bin/sh -c install", "/bin/sh -c build"});
  StepMapping m = map_history_to_dockerfile(h, df);
  ASSERT_TRUE(m.mapped);
  EXPECT_EQ(lines(m), (std::vector<int>{0, 2, 4}));
}

TEST(StepMappingTest, SquashedEntriesStillMap) {
  std::vector<HistoryEntry> h =
      history({"busybox-static rootfs", "/bin/sh -c #(nop) WORKDIR /x", "/bin/sh -c echo hi"});
  h[1].empty_layer = true;
  h[2].empty_layer = true;
  Dockerfile df = parse("FROM b\nWORKDIR /x\nRUN echo hi\n");
  EXPECT_TRUE(map_history_to_dockerfile(h, df).mapped);
}

TEST(StepMappingTest, AStageThatNamesItselfIsNoChain) {
  Dockerfile df = parse("FROM a AS a\nRUN x\n");
  EXPECT_EQ(final_stage_chain(df).size(), 1u);
  Dockerfile loop = parse("FROM b AS a\nFROM a AS b\nRUN y\n");
  EXPECT_EQ(final_stage_chain(loop).size(), 1u);  // b is built on a; a's base b is later
}

}  // namespace
}  // namespace strata
