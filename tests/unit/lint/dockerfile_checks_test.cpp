#include <gtest/gtest.h>

#include <algorithm>

#include "lint_test_support.hpp"

namespace strata {
namespace {

using lint_test::Context;
using lint_test::find_rule;

std::vector<Finding> lint(const std::string& dockerfile, LintFixes* fixes = nullptr) {
  Context ctx;
  return lint_dockerfile(ctx.target(dockerfile), *lint_test::token_engine(), fixes);
}

TEST(LintDockerfileTest, AnArgWithASecretNameReadByARunGetsASecretMount) {
  LintFixes fixes;
  auto found = lint(
      "# syntax=docker/dockerfile:1\nFROM a\nARG NPM_TOKEN\nRUN npm ci --token=$NPM_TOKEN\n"
      "RUN other\n",
      &fixes);
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations.at(0).dockerfile_line, 3);
  EXPECT_EQ(f->severity, Severity::kHigh);
  ASSERT_GE(f->remediation.size(), 2u);
  EXPECT_EQ(f->remediation[0].after,
            "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci --token=$NPM_TOKEN");
  EXPECT_EQ(f->remediation[0].command, "docker build --secret id=npm_token,env=NPM_TOKEN .");
  EXPECT_TRUE(fixes.deleted.contains(3));
  ASSERT_TRUE(fixes.mounts.contains(4));
  EXPECT_FALSE(fixes.mounts.contains(5));  // reads nothing of it
  EXPECT_TRUE(fixes.commands.empty());
}

TEST(LintDockerfileTest, WithoutAFrontendForEnvMountsTheSecretIsReadFromItsFile) {
  LintFixes fixes;
  auto found = lint(
      "# syntax=docker/dockerfile:1.7\nFROM a\nARG GH_TOKEN\n"
      "RUN --network=none git clone https://$GH_TOKEN@host/r\n",
      &fixes);
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->remediation[0].after,
            "RUN --mount=type=secret,id=gh_token --network=none export "
            "GH_TOKEN=\"$(cat /run/secrets/gh_token)\" && git clone https://$GH_TOKEN@host/r");
  EXPECT_EQ(fixes.commands.at(4).size(), 1u);
}

// npm reads NPM_TOKEN through the ${NPM_TOKEN} of an .npmrc: no RUN names it, and every RUN
// after the ARG has it in its environment, so each gets the mount (none would break the build).
TEST(LintDockerfileTest, AnArgNoRunNamesIsMountedInEveryRunAfterIt) {
  LintFixes fixes;
  auto found =
      lint("FROM a\nRUN apt-get update\nARG NPM_TOKEN\nRUN npm ci\nRUN npm test\n", &fixes);
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kHigh);
  EXPECT_TRUE(fixes.deleted.contains(3));
  EXPECT_EQ(fixes.mounts.size(), 2u);
  EXPECT_TRUE(fixes.mounts.contains(4));
  EXPECT_TRUE(fixes.mounts.contains(5));
  EXPECT_FALSE(fixes.mounts.contains(2));  // before the ARG: it never had it
}

// A builder's ARG stays in the builder's history, but a file a RUN writes it to goes wherever
// the builder's tree goes: into the final image with COPY --from=build /app.
TEST(LintDockerfileTest, ABuilderArgWrittenToAFileTheFinalImageGetsIsHigh) {
  auto severity = [](const std::string& copy) {
    auto found = lint(
        "FROM node AS build\nARG NPM_TOKEN\nWORKDIR /app\n"
        "RUN echo \"//r/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
        "RUN echo \"$NPM_TOKEN\" | tee -a ~/.token >/dev/null\nFROM node-slim\n" +
        copy + "\n");
    const Finding* f = find_rule(found, "lint.arg-secret");
    return f ? f->severity : Severity::kInfo;
  };
  EXPECT_EQ(severity("COPY --from=build /app /app"), Severity::kHigh);
  auto found = lint(
      "FROM a AS build\nARG NPM_TOKEN\nWORKDIR /app\nRUN echo $NPM_TOKEN >> .npmrc\n"
      "FROM b\nCOPY --from=build /app /app\n");
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  bool warned = std::ranges::any_of(f->remediation, [](const RemediationStep& s) {
    return s.kind == "build-secret-file" && s.text.find("/app/.npmrc") != std::string::npos;
  });
  EXPECT_TRUE(warned);
  EXPECT_EQ(severity("COPY --from=build /app/.npmrc /root/"), Severity::kHigh);
  EXPECT_EQ(severity("COPY --from=build /root /root"), Severity::kHigh);  // tee -a ~/.token
  EXPECT_EQ(severity("COPY --from=build /app/dist /app"), Severity::kLow);
  EXPECT_EQ(severity("COPY --from=build /etc/hosts /etc/hosts"), Severity::kLow);
}

TEST(LintDockerfileTest, AnExecFormReaderGetsAdviceButNoRewrite) {
  LintFixes fixes;
  auto found =
      lint("FROM a\nARG DB_PASSWORD\nRUN [\"sh\", \"-c\", \"psql $DB_PASSWORD\"]\n", &fixes);
  ASSERT_NE(find_rule(found, "lint.arg-secret"), nullptr);
  EXPECT_TRUE(fixes.deleted.empty());
  EXPECT_TRUE(fixes.mounts.empty());
}

TEST(LintDockerfileTest, HeredocBodiesCountAsTheRunsText) {
  auto found = lint("FROM a\nARG DB_PASSWORD\nRUN <<EOF\npsql -p \"$DB_PASSWORD\"\nEOF\n");
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->remediation[0].kind, "build-secret");
  EXPECT_FALSE(f->remediation[0].after.empty());
}

TEST(LintDockerfileTest, NamesThatAreNotSecretsAreLeftAlone) {
  auto found = lint(
      "FROM a\nARG NPM_TOKEN_FILE\nARG AWS_ACCESS_KEY_ID\nENV GPG_KEY=A035C8C19219BA82\n"
      "ARG VERSION=1\nENV PATH=/x\nRUN make\n");
  EXPECT_TRUE(found.empty()) << found[0].rule_id << " " << found[0].secret.reveal();
}

TEST(LintDockerfileTest, AnArgOnlyInABuilderStageIsLow) {
  auto found = lint(
      "FROM a AS build\nARG API_KEY\nRUN make $API_KEY\nFROM b\nCOPY --from=build "
      "/out /out\n");
  const Finding* f = find_rule(found, "lint.arg-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kLow);
}

TEST(LintDockerfileTest, AnEnvWithASecretNameAndAValue) {
  LintFixes fixes;
  auto found = lint("FROM a\nARG X\nENV SERVICE_TOKEN=$X\nENV EMPTY_TOKEN=\n", &fixes);
  const Finding* f = find_rule(found, "lint.env-secret");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations.at(0).dockerfile_line, 3);
  EXPECT_EQ(f->secret.reveal(), "ENV SERVICE_TOKEN");
  EXPECT_TRUE(fixes.deleted.contains(3));
  EXPECT_FALSE(fixes.deleted.contains(4));
}

TEST(LintDockerfileTest, SecretValuesInTheTextGoThroughTheRules) {
  std::string tok = lint_test::token('a');
  auto found = lint("FROM a\nLABEL key=" + tok + "\nHEALTHCHECK CMD curl -H \\\n  \"x: " + tok +
                    "b\" localhost\nCMD [\"run\", \"" + lint_test::token('c') + "\"]\n");
  std::vector<int> lines;
  for (const Finding& f : found) {
    if (f.rule_id != "test.token") continue;
    EXPECT_EQ(f.locations.at(0).kind, LocationKind::kConfig);
    lines.push_back(f.locations.at(0).dockerfile_line);
  }
  std::ranges::sort(lines);
  // The LABEL's token; the HEALTHCHECK's is no token (a letter follows it); the CMD's.
  EXPECT_EQ(lines, (std::vector<int>{2, 5}));
}

TEST(LintDockerfileTest, AddOfAUrlWithCredentials) {
  std::string password = std::string("hun") + "ter2x";
  auto found = lint("FROM a\nADD https://u:" + password +
                    "@example.com/f.tgz /tmp/\n"
                    "ADD https://example.com/g.tgz /tmp/\n");
  const Finding* f = find_rule(found, "lint.add-url-credentials");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->secret.reveal(), password);
  EXPECT_FALSE(f->secret_is_path);
  EXPECT_EQ(std::ranges::count_if(
                found, [](const Finding& x) { return x.rule_id == "lint.add-url-credentials"; }),
            1);
}

TEST(LintDockerfileTest, CopyFromAWholeStageTreeThatHoldsTheContext) {
  auto found = lint(
      "FROM node AS build\nWORKDIR /app\nCOPY . .\nRUN npm run build\n"
      "FROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\nCOPY --from=build /app /srv\n"
      "COPY --from=0 / /all\n");
  std::vector<int> lines;
  for (const Finding& f : found) {
    if (f.rule_id == "lint.copy-from-whole-stage") lines.push_back(f.locations.at(0).line);
  }
  std::ranges::sort(lines);
  EXPECT_EQ(lines, (std::vector<int>{7, 8}));
}

TEST(LintDockerfileTest, CopyFromAStageOfACredentialsFile) {
  auto found = lint(
      "FROM a AS builder\nWORKDIR /src\nRUN make\nFROM b\n"
      "COPY --from=builder /src/app.bin /app/\nCOPY --from=builder .npmrc /app/\n"
      "COPY --from=builder /root/.docker/config.json /x/\n");
  std::vector<int> lines;
  for (const Finding& f : found) {
    if (f.rule_id == "lint.copy-credentials-from-stage") lines.push_back(f.locations.at(0).line);
  }
  std::ranges::sort(lines);
  EXPECT_EQ(lines, (std::vector<int>{6, 7}));
}

TEST(LintDockerfileTest, CopyOfAStageTreeWithoutTheContextIsFine) {
  auto found = lint(
      "FROM golang AS build\nWORKDIR /src\nCOPY go.mod main.go ./\nRUN go build\n"
      "FROM scratch\nCOPY --from=build /src /src\n");
  EXPECT_EQ(find_rule(found, "lint.copy-from-whole-stage"), nullptr);
}

}  // namespace
}  // namespace strata
