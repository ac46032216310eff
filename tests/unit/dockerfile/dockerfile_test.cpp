#include "strata/dockerfile/dockerfile.hpp"

#include <gtest/gtest.h>

#include "support/test_env.hpp"

namespace strata {
namespace {

const DockerfileInstruction& only_instruction(const Dockerfile& df, size_t index) {
  return df.stages.back().instructions.at(index);
}

TEST(DockerfileTest, InstructionsKeepTheirOneBasedLines) {
  auto df = parse_dockerfile("FROM alpine\n\n# a comment\nRUN echo hi\nCMD [\"sh\"]\n");
  ASSERT_TRUE(df) << df.error().message;
  ASSERT_EQ(df->stages.size(), 1u);
  EXPECT_EQ(df->stages[0].from_line, 1);
  ASSERT_EQ(df->stages[0].instructions.size(), 2u);
  EXPECT_EQ(only_instruction(*df, 0).line, 4);
  EXPECT_EQ(only_instruction(*df, 0).keyword, "RUN");
  EXPECT_EQ(only_instruction(*df, 0).args, "echo hi");
  EXPECT_EQ(only_instruction(*df, 1).line, 5);
}

TEST(DockerfileTest, KeywordsAreCaseInsensitive) {
  auto df = parse_dockerfile("from alpine as Build\nrun make\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(df->stages[0].name, "build");
  EXPECT_EQ(only_instruction(*df, 0).keyword, "RUN");
}

TEST(DockerfileTest, ContinuationLinesJoinIntoOneInstruction) {
  auto df =
      parse_dockerfile("FROM a\nRUN apt-get update && \\\n    apt-get install -y curl\nUSER x\n");
  ASSERT_TRUE(df);
  const DockerfileInstruction& run = only_instruction(*df, 0);
  EXPECT_EQ(run.args, "apt-get update && apt-get install -y curl");
  EXPECT_EQ(run.line, 2);
  EXPECT_EQ(run.end_line, 3);
  EXPECT_EQ(only_instruction(*df, 1).line, 4);
}

TEST(DockerfileTest, CommentAndBlankLinesInsideAContinuationAreSkipped) {
  auto df = parse_dockerfile("FROM a\nRUN one \\\n# not part of it\n\n  two\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(only_instruction(*df, 0).args, "one two");
}

TEST(DockerfileTest, ParserDirectivesComeOnlyFirst) {
  auto df = parse_dockerfile("# syntax=docker/dockerfile:1.10\n# check=skip=all\nFROM a\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->directives.size(), 2u);
  EXPECT_EQ(df->directives[0], "syntax=docker/dockerfile:1.10");

  auto late = parse_dockerfile("# a comment\n# syntax=docker/dockerfile:1\nFROM a\n");
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->directives.empty());
}

TEST(DockerfileTest, EscapeDirectiveChangesTheContinuationCharacter) {
  auto df = parse_dockerfile("# escape=`\nFROM windows\nRUN dir C:\\ `\n  /b\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(only_instruction(*df, 0).args, "dir C:\\ /b");
}

TEST(DockerfileTest, HeredocBodiesAreSkipped) {
  auto df = parse_dockerfile(
      "FROM a\nRUN <<EOF\nFROM not-a-stage\nset -e\nEOF\nCOPY <<-END /etc/x\n\tFROM no\n\tEND\n"
      "CMD run\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->stages.size(), 1u);
  ASSERT_EQ(df->stages[0].instructions.size(), 3u);
  EXPECT_TRUE(only_instruction(*df, 0).heredoc);
  EXPECT_EQ(only_instruction(*df, 0).end_line, 5);
  EXPECT_EQ(only_instruction(*df, 1).line, 6);
  EXPECT_EQ(only_instruction(*df, 2).keyword, "CMD");
  EXPECT_EQ(only_instruction(*df, 2).line, 9);
}

TEST(DockerfileTest, AnUnterminatedHeredocTakesTheRestOfTheFile) {
  auto df = parse_dockerfile("FROM a\nRUN <<EOF\necho\nFROM b\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->stages.size(), 1u);
  EXPECT_EQ(only_instruction(*df, 0).end_line, 4);
}

TEST(DockerfileTest, LeadingFlagsAreSeparatedFromArguments) {
  auto df = parse_dockerfile("FROM a\nCOPY --from=builder --chown=1:1 /src/app /app/\n");
  ASSERT_TRUE(df);
  const DockerfileInstruction& copy = only_instruction(*df, 0);
  EXPECT_EQ(copy.flag("from"), "builder");
  EXPECT_EQ(copy.flag("chown"), "1:1");
  EXPECT_EQ(copy.flag("chmod"), "");
  EXPECT_EQ(copy.args, "/src/app /app/");
  EXPECT_EQ(copy.text, "COPY --from=builder --chown=1:1 /src/app /app/");
}

TEST(DockerfileTest, StagesAndGlobalArgsAreSeparate) {
  auto df = parse_dockerfile(
      "ARG BASE=alpine\nFROM ${BASE} AS builder\nRUN make\nFROM scratch\nCOPY --from=builder /a "
      "/\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->global_args.size(), 1u);
  ASSERT_EQ(df->stages.size(), 2u);
  EXPECT_EQ(df->stages[0].name, "builder");
  EXPECT_EQ(df->stages[1].base, "scratch");
  EXPECT_EQ(df->find_stage("BUILDER"), &df->stages[0]);
  EXPECT_EQ(df->find_stage("1"), &df->stages[1]);
  EXPECT_EQ(df->find_stage("7"), nullptr);
  EXPECT_EQ(df->find_stage("alpine"), nullptr);
}

TEST(DockerfileTest, CrLfLineEndingsAreAccepted) {
  auto df = parse_dockerfile("FROM a\r\nRUN x \\\r\n y\r\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(only_instruction(*df, 0).args, "x y");
}

TEST(DockerfileTest, ExecFormIsRecognised) {
  auto df = parse_dockerfile("FROM a\nRUN [\"make\", \"all\"]\n");
  ASSERT_TRUE(df);
  EXPECT_TRUE(only_instruction(*df, 0).exec_form());
}

TEST(DockerfileTest, NoFromIsAnError) {
  auto df = parse_dockerfile("RUN echo\n");
  ASSERT_FALSE(df);
  EXPECT_NE(df.error().message.find("no FROM"), std::string::npos);
}

TEST(DockerfileTest, TooLargeIsAnError) {
  std::string text = "FROM a\n" + std::string(kMaxDockerfileBytes, '#');
  EXPECT_FALSE(parse_dockerfile(text));
}

TEST(DockerfileTest, JunkNeverCrashes) {
  std::string junk = "FROM a\n";
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
  junk += "\n<<\n<<-\n<<'\n\\\n\\\n`\nRUN <<A <<B\nA\n--\n--flag\nFROM\nCOPY --from=\n";
  auto df = parse_dockerfile(junk);
  ASSERT_TRUE(df);
  EXPECT_FALSE(df->stages.empty());
  for (const DockerfileStage& s : df->stages) {
    for (const DockerfileInstruction& in : s.instructions) EXPECT_GE(in.end_line, in.line);
  }
}

TEST(DockerfileTest, ManyInstructionsAreBounded) {
  std::string text = "FROM a\n";
  for (size_t i = 0; i <= kMaxDockerfileInstructions; ++i) text += "RUN x\n";
  auto df = parse_dockerfile(text);
  ASSERT_FALSE(df);
  EXPECT_NE(df.error().message.find("instructions"), std::string::npos);
}

TEST(DockerfileTest, ReadingAMissingFileNamesIt) {
  test::TempDir dir;
  auto df = read_dockerfile(dir.path() + "/nope/Dockerfile");
  ASSERT_FALSE(df);
  EXPECT_NE(df.error().message.find("nope/Dockerfile"), std::string::npos);
}

TEST(DockerfileTest, ReadingADirectoryIsAnError) {
  test::TempDir dir;
  EXPECT_FALSE(read_dockerfile(dir.path()));
}

TEST(DockerfileTest, ReadsAFile) {
  test::TempDir dir;
  test::write_file(dir.path() + "/Dockerfile", "FROM a\nWORKDIR /app\n");
  auto df = read_dockerfile(dir.path() + "/Dockerfile");
  ASSERT_TRUE(df);
  EXPECT_EQ(only_instruction(*df, 0).keyword, "WORKDIR");
}

TEST(DockerfileTest, AnArithmeticShiftStartsNoHeredoc) {
  auto df = parse_dockerfile("FROM a\nRUN echo $((1<<2))\nRUN echo next\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->stages[0].instructions.size(), 2u);
  EXPECT_FALSE(only_instruction(*df, 0).heredoc);
}

TEST(DockerfileTest, AQuotedDoubleLessThanStartsNoHeredoc) {
  auto df = parse_dockerfile("FROM a\nRUN echo \"a<<b\" 'c<<d'\nRUN echo next\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->stages[0].instructions.size(), 2u);
  EXPECT_FALSE(only_instruction(*df, 0).heredoc);
}

TEST(DockerfileTest, AQuotedHeredocWordStillStartsOne) {
  auto df = parse_dockerfile("FROM a\nRUN <<'EOF'\necho hi\nEOF\nRUN echo next\n");
  ASSERT_TRUE(df);
  ASSERT_EQ(df->stages[0].instructions.size(), 2u);
  EXPECT_TRUE(only_instruction(*df, 0).heredoc);
  EXPECT_EQ(only_instruction(*df, 1).line, 5);
}

TEST(DockerfileTest, HeredocBodiesAreKeptWithTheirLines) {
  auto df = parse_dockerfile("FROM a\nRUN <<EOF\necho $A\nEOF\nCOPY <<-'END' /x\n\tkeep\n\tEND\n");
  ASSERT_TRUE(df);
  const DockerfileInstruction& run = only_instruction(*df, 0);
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].word, "EOF");
  EXPECT_EQ(run.heredocs[0].body, "echo $A\n");
  EXPECT_EQ(run.heredocs[0].first_line, 3);
  EXPECT_TRUE(run.heredocs[0].expands);
  const DockerfileInstruction& copy = only_instruction(*df, 1);
  ASSERT_EQ(copy.heredocs.size(), 1u);
  EXPECT_EQ(copy.heredocs[0].body, "keep\n");
  EXPECT_TRUE(copy.heredocs[0].strip_tabs);
  EXPECT_FALSE(copy.heredocs[0].expands);
}

TEST(DockerfileTest, TwoHeredocsInOneInstructionAreReadInOrder) {
  auto df = parse_dockerfile("FROM a\nRUN <<A cat - <<B\none\nA\ntwo\nB\nUSER u\n");
  ASSERT_TRUE(df);
  const DockerfileInstruction& run = only_instruction(*df, 0);
  ASSERT_EQ(run.heredocs.size(), 2u);
  EXPECT_EQ(run.heredocs[0].body, "one\n");
  EXPECT_EQ(run.heredocs[1].body, "two\n");
  EXPECT_EQ(only_instruction(*df, 1).line, 7);
}

TEST(DockerfileTest, JsonFormArgumentsAreDecoded) {
  auto df = parse_dockerfile(
      "FROM a\nCMD [\"sh\", \"-c\", \"echo \\\"hi\\\" \\u0041\"]\nCMD [\"unterminated\"\n"
      "COPY [\"a b\", \"/dst/\"]\nCOPY \"c d\" e /f/\n");
  ASSERT_TRUE(df);
  auto json = only_instruction(*df, 0).json_args();
  ASSERT_TRUE(json);
  EXPECT_EQ(*json, (std::vector<std::string>{"sh", "-c", "echo \"hi\" A"}));
  EXPECT_FALSE(only_instruction(*df, 1).json_args());  // shell form, as Docker takes it
  EXPECT_EQ(only_instruction(*df, 2).words(), (std::vector<std::string>{"a b", "/dst/"}));
  EXPECT_EQ(only_instruction(*df, 3).words(), (std::vector<std::string>{"c d", "e", "/f/"}));
}

TEST(DockerfileTest, RepeatedFlagsAreAllKept) {
  auto df = parse_dockerfile(
      "FROM a\nRUN --mount=type=secret,id=a --mount=type=cache,target=/c --network=none make\n"
      "COPY --from=build --chown=1:1 --chmod=600 --link /app /app\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(only_instruction(*df, 0).flag_values("mount"),
            (std::vector<std::string>{"type=secret,id=a", "type=cache,target=/c"}));
  EXPECT_EQ(only_instruction(*df, 0).args, "make");
  const DockerfileInstruction& copy = only_instruction(*df, 1);
  EXPECT_EQ(copy.flag("from"), "build");
  EXPECT_EQ(copy.flag("chmod"), "600");
  EXPECT_EQ(copy.flags.back(), "--link");
  EXPECT_EQ(copy.words(), (std::vector<std::string>{"/app", "/app"}));
}

TEST(DockerfileTest, StagesAreFoundByNameOrIndex) {
  auto df = parse_dockerfile("FROM a AS build\nFROM build AS test\nFROM scratch\n");
  ASSERT_TRUE(df);
  ASSERT_NE(df->find_stage("BUILD"), nullptr);
  EXPECT_EQ(df->find_stage("build")->index, 0);
  EXPECT_EQ(df->find_stage("1")->name, "test");
  EXPECT_EQ(df->find_stage("2")->base, "scratch");
  EXPECT_EQ(df->find_stage("3"), nullptr);
  EXPECT_EQ(df->find_stage("alpine"), nullptr);
}

TEST(DockerfileTest, TheEscapeDirectiveIsRecorded) {
  auto df = parse_dockerfile("# escape=`\nFROM a\n");
  ASSERT_TRUE(df);
  EXPECT_EQ(df->escape, '`');
  EXPECT_EQ(parse_dockerfile("FROM a\n")->escape, '\\');
}

}  // namespace
}  // namespace strata
