#include <gtest/gtest.h>

#include "lint_test_support.hpp"

namespace strata {
namespace {

using lint_test::Context;
using lint_test::find_rule;

// A context finding as a directory scan reports it.
Finding file_finding(const std::string& rule, const std::string& path) {
  Finding f;
  f.rule_id = rule;
  f.secret = SecretValue(path);
  f.secret_is_path = true;
  Location l;
  l.path = path;
  f.locations.push_back(l);
  return f;
}

ScanReport context_report(std::vector<std::string> paths) {
  ScanReport r;
  for (const std::string& p : paths) r.findings.push_back(file_finding("file.dotenv", p));
  return r;
}

TEST(LintContextTest, FilesTheDockerignoreExcludesAreNotSent) {
  Context ctx;
  ctx.write(".dockerignore", "**/.env\n!keep/.env\n");
  LintTarget target = ctx.target("FROM a\nCOPY . .\n");
  ScanReport report = context_report({".env", "app/.env", "keep/.env", "id_rsa"});
  keep_sent_files(report, target);
  std::vector<std::string> kept;
  for (const Finding& f : report.findings) kept.push_back(f.locations.at(0).path);
  EXPECT_EQ(kept, (std::vector<std::string>{"keep/.env", "id_rsa"}));
  EXPECT_EQ(report.findings[0].locations[0].dockerfile_line, 2);
}

TEST(LintContextTest, TheDockerfileSpecificIgnoreFileWins) {
  Context ctx;
  ctx.write(".dockerignore", ".env\n");
  ctx.write("Dockerfile.dockerignore", "secrets\n");
  LintTarget target = ctx.target("FROM a\nCOPY . .\n");
  ScanReport report = context_report({".env", "secrets/key"});  // both copied, one sent
  keep_sent_files(report, target);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].locations[0].path, ".env");
}

TEST(LintContextTest, ABroadCopyOfSecretFilesWithoutADockerignore) {
  Context ctx;
  LintTarget target = ctx.target("FROM a AS b\nCOPY . .\nFROM c\nCOPY src/ /app/\nCOPY . /app\n");
  ScanReport report = context_report({".env", "src/config/.env", ".git/config"});
  keep_sent_files(report, target);
  LintFixes fixes;
  auto found = lint_context(target, report.findings, &fixes);
  ASSERT_EQ(found.size(), 2u);  // not the builder stage's COPY
  std::map<int, std::vector<std::string>> entries;
  for (const Finding& f : found) {
    EXPECT_EQ(f.rule_id, "lint.copy-context-secret");
    entries[f.locations.at(0).dockerfile_line] = f.remediation.at(0).lines;
  }
  EXPECT_EQ(entries[4], (std::vector<std::string>{"src/config/.env"}));
  EXPECT_EQ(entries[5], (std::vector<std::string>{".env", ".git"}));
  EXPECT_NE(found[0].remediation[0].text.find("no .dockerignore"), std::string::npos);
  EXPECT_EQ(fixes.ignore_entries.size(), 3u);
}

TEST(LintContextTest, ABuilderCopyThatReachesTheRuntimeThroughCopyFrom) {
  Context ctx;
  LintTarget target = ctx.target(
      "FROM maven AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
      "FROM temurin\nCOPY --from=build /src /app\n");
  ScanReport report = context_report({"settings.xml", ".env"});
  keep_sent_files(report, target);
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].locations.at(0).dockerfile_line, 6);  // where it enters the image
  LintFixes fixes;
  auto found = lint_context(target, report.findings, &fixes);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].locations.at(0).dockerfile_line, 3);  // the COPY that sends it
  EXPECT_EQ(fixes.ignore_entries, (std::vector<std::string>{".env", "settings.xml"}));
  // Copying only the build output leaves them in the builder.
  LintTarget narrow = ctx.target(
      "FROM maven AS build\nWORKDIR /src\nCOPY . .\nRUN mvn package\n"
      "FROM temurin\nCOPY --from=build /src/target/app.jar /app/app.jar\n");
  ScanReport none = context_report({"settings.xml", ".env"});
  keep_sent_files(none, narrow);
  EXPECT_TRUE(none.findings.empty());
}

// mvn -s settings.xml reads the file the broad COPY sent: it is kept out of the context and
// mounted as a build secret where the COPY put it, so the build still finds it.
TEST(LintContextTest, ASecretFileARunReadsIsMountedWhereItWasCopied) {
  Context ctx;
  LintTarget target = ctx.target(
      "FROM maven AS build\nWORKDIR /src\nCOPY . .\nRUN mvn -s settings.xml package\n"
      "RUN ls\nFROM temurin\nCOPY --from=build /src /app\n");
  ScanReport report = context_report({"settings.xml", ".env"});
  keep_sent_files(report, target);
  LintFixes fixes;
  auto found = lint_context(target, report.findings, &fixes);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(fixes.ignore_entries, (std::vector<std::string>{".env", "settings.xml"}));
  ASSERT_EQ(fixes.mounts.size(), 1u);
  EXPECT_EQ(fixes.mounts[4], std::vector<std::string>{
                                 "--mount=type=secret,id=settings_xml,target=/src/settings.xml"});
  const RemediationStep& mount = found[0].remediation.back();
  EXPECT_EQ(mount.command, "docker build --secret id=settings_xml,src=settings.xml .");
  EXPECT_EQ(mount.after,
            "RUN --mount=type=secret,id=settings_xml,target=/src/settings.xml mvn -s "
            "settings.xml package");
}

TEST(LintContextTest, CopiesOfOtherFilesSendNoSecret) {
  Context ctx;
  LintTarget target = ctx.target("FROM a\nCOPY package.json *.js ./\nCOPY --from=x / /\n");
  ScanReport report = context_report({".env", "config/.env"});
  keep_sent_files(report, target);
  EXPECT_TRUE(report.findings.empty());  // sent, but copied into no image
  EXPECT_TRUE(lint_context(target, report.findings).empty());
}

TEST(LintContextTest, AGlobSourceCopiesWhatItMatches) {
  Context ctx;
  LintTarget target = ctx.target("FROM a\nCOPY *.env /etc/\n");
  ScanReport report = context_report({"prod.env", "sub/x.env"});
  keep_sent_files(report, target);
  auto found = lint_context(target, report.findings);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].remediation.at(0).lines, (std::vector<std::string>{"prod.env"}));
}

TEST(LintContextTest, CopySourcesAreSubstitutedWithTheArgsInScope) {
  Context ctx;
  LintTarget target = ctx.target("FROM a\nARG SRC=.\nCOPY ${SRC} /app\n");
  ScanReport report = context_report({".env"});
  keep_sent_files(report, target);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].locations.at(0).dockerfile_line, 3);
}

TEST(LintContextTest, ABadDockerignoreOrContextIsAnError) {
  Context ctx;
  ctx.write(".dockerignore", "[oops\n");
  ctx.write("Dockerfile", "FROM a\n");
  auto bad = load_lint_target(ctx.path("Dockerfile"), ctx.path());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(".dockerignore: line 1"), std::string::npos);
  auto missing = load_lint_target(ctx.path("Dockerfile"), ctx.path("nowhere"));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace strata
