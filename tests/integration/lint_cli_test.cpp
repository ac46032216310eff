// `strata lint` end to end on build contexts the tests write: exit codes, the report formats'
// Dockerfile locations, what .dockerignore keeps out, bad input, and --fix applied by git.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

// An AWS-shaped secret key and a GitHub-shaped token, made at run time.
std::string aws_secret() { return "wJalrXUtnFEMI/K7MDENG/" + std::string("bPxRfiCYzQ9xW2hLk7"); }

class LintCliTest : public ::testing::Test {
 protected:
  std::string ctx() const { return dir_.path() + "/ctx"; }
  void write(const std::string& rel, const std::string& text) const {
    write_file(ctx() + "/" + rel, text);
  }

  // `strata lint` run inside the context (patch paths are relative to it).
  CommandResult lint(const std::string& args) const {
    return run_command({"/bin/sh", "-c",
                        "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) + "' lint " + args +
                            " 2>/dev/null"},
                       300);
  }

  json lint_json(const std::string& args, int expected_exit) const {
    CommandResult r = lint("--format json " + args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.output;
    json j = json::parse(r.output, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  static std::vector<std::string> rule_ids(const json& report) {
    std::vector<std::string> ids;
    for (const json& f : report.value("findings", json::array())) ids.push_back(f["rule_id"]);
    return ids;
  }

  static bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  TempDir dir_;
};

TEST_F(LintCliTest, ALeakyDockerfileAndContextFailWithLinesAndFixes) {
  write(".env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
  write("src/app.js", "console.log(1)\n");
  write("Dockerfile",
        "FROM node:20\nARG NPM_TOKEN\nWORKDIR /app\nCOPY . .\n"
        "RUN npm ci --token=$NPM_TOKEN\n");
  json report = lint_json("", 1);
  std::vector<std::string> ids = rule_ids(report);
  EXPECT_TRUE(has(ids, "lint.arg-secret"));
  EXPECT_TRUE(has(ids, "lint.copy-context-secret"));
  EXPECT_TRUE(has(ids, "file.dotenv"));
  EXPECT_TRUE(has(ids, "aws.secret-access-key"));
  for (const json& f : report["findings"]) {
    if (f["rule_id"] == "lint.arg-secret") {
      EXPECT_EQ(f["locations"][0]["dockerfile_line"], 2);
    }
    if (f["rule_id"] == "file.dotenv") {
      EXPECT_EQ(f["locations"][0]["dockerfile_line"], 4);
    }
  }
  EXPECT_EQ(report.dump().find(aws_secret()), std::string::npos);  // redacted
}

TEST_F(LintCliTest, WhatTheDockerignoreExcludesIsNeitherScannedNorBlamed) {
  write(".env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
  write(".dockerignore", "**/.env\n");
  write("Dockerfile", "FROM alpine\nCOPY . /app\n");
  json report = lint_json("", 0);
  EXPECT_TRUE(rule_ids(report).empty()) << report.dump();
  write("Dockerfile.dockerignore", "# this Dockerfile's own list wins\nnode_modules\n");
  std::vector<std::string> ids = rule_ids(lint_json("", 1));
  EXPECT_TRUE(has(ids, "file.dotenv"));
  EXPECT_TRUE(has(ids, "lint.copy-context-secret"));
}

// A directory .dockerignore excludes whole is not walked: its files are not even counted as
// scanned, on one thread or several; an exception that could re-include a file beneath it
// makes the walk go in (and no further than it could reach), and that file is sent and blamed.
TEST_F(LintCliTest, AnExcludedDirectoryIsNotWalked) {
  write("src/app.js", "console.log(1)\n");
  for (int i = 0; i < 100; ++i) {
    write("node_modules/m" + std::to_string(i) + ".js", "x\n");
    write("node_modules/pkg" + std::to_string(i) + "/index.js", "x\n");
  }
  write("node_modules/keep.txt", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
  write("Dockerfile", "FROM node:20\nCOPY . /app\n");
  write(".dockerignore", "node_modules\n");
  for (const char* jobs : {"-j 1", "-j 2"}) {
    json pruned = lint_json(jobs, 0);
    EXPECT_EQ(pruned["stats"]["files"], 3) << jobs << pruned.dump(1);  // Dockerfile, ignore, app
    EXPECT_TRUE(rule_ids(pruned).empty()) << pruned.dump(1);
  }
  write(".dockerignore", "node_modules\n!node_modules/keep.txt\n");
  for (const char* jobs : {"-j 1", "-j 2"}) {
    json walked = lint_json(jobs, 1);
    // node_modules's own files are walked, its subdirectories (which no exception reaches) not.
    EXPECT_EQ(walked["stats"]["files"], 3 + 100 + 1) << jobs;
    EXPECT_TRUE(has(rule_ids(walked), "aws.secret-access-key")) << walked.dump(1);
  }
}

// The seed pitfall "copying the wrong files": the host's node_modules sent by COPY . .
TEST_F(LintCliTest, ADependencyDirectoryTheBuildSendsAndItsFix) {
  write("package.json", "{}\n");
  write("node_modules/left-pad/index.js", "module.exports = 1;\n");
  write("Dockerfile", "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n");
  json report = lint_json("", 1);
  EXPECT_EQ(rule_ids(report), std::vector<std::string>{"lint.copy-dependency-cache"});
  EXPECT_EQ(report["findings"][0]["locations"][0]["dockerfile_line"], 3);
  EXPECT_NE(lint("--fix").output.find("+node_modules\n"), std::string::npos);
  write(".dockerignore", "node_modules\n");
  EXPECT_TRUE(rule_ids(lint_json("", 0)).empty());
}

TEST_F(LintCliTest, SarifPointsAtTheDockerfileLine) {
  write("Dockerfile", "FROM alpine\nRUN true\nENV SERVICE_PASSWORD=changeme\n");
  CommandResult r = lint("--format sarif");
  EXPECT_EQ(r.exit_code, 1);
  json sarif = json::parse(r.output);
  const json& result = sarif["runs"][0]["results"][0];
  EXPECT_EQ(result["ruleId"], "lint.env-secret");
  const json& physical = result["locations"][0]["physicalLocation"];
  EXPECT_EQ(physical["artifactLocation"]["uri"], "Dockerfile");
  EXPECT_EQ(physical["region"]["startLine"], 3);
  bool described = false;
  for (const json& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) {
    described = described || rule["id"] == "lint.env-secret";
  }
  EXPECT_TRUE(described);
}

TEST_F(LintCliTest, FailOnAndACleanDockerfile) {
  write("Dockerfile",
        "FROM golang AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app\n"
        "FROM scratch\nCOPY --from=build /src /src\n");
  EXPECT_TRUE(has(rule_ids(lint_json("", 1)), "lint.copy-from-whole-stage"));  // medium
  lint_json("--fail-on high", 0);
  write("Dockerfile",
        "FROM golang AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app\n"
        "FROM scratch\nCOPY --from=build /out/app /app\n");
  EXPECT_TRUE(rule_ids(lint_json("", 0)).empty());
}

// Triage as for scan: a previous lint report (JSON or SARIF) as the baseline, an ignore file
// by rule; a new finding still fails.
TEST_F(LintCliTest, BaselinesAndIgnoreFilesSuppressLintFindings) {
  write("Dockerfile", "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\n");
  EXPECT_EQ(lint("--format json -o ../base.json").exit_code, 1);
  EXPECT_EQ(lint("--format sarif -o ../base.sarif").exit_code, 1);
  EXPECT_EQ(lint("--baseline ../base.json").exit_code, 0);
  EXPECT_EQ(lint("--baseline ../base.sarif").exit_code, 0);
  write("Dockerfile", "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\nENV DB_PASSWORD=changeme\n");
  json report = lint_json("--baseline ../base.json", 1);
  std::vector<std::string> open;
  for (const json& f : report["findings"]) {
    if (!f.contains("suppression")) open.push_back(f["rule_id"]);
  }
  EXPECT_EQ(open, std::vector<std::string>{"lint.env-secret"}) << report.dump(1);
  write(".strataignore", "rule=lint.env-secret  # set at deploy time, a placeholder here\n");
  EXPECT_EQ(lint("--baseline ../base.json").exit_code, 0);
}

TEST_F(LintCliTest, LintRulesCanBeDisabled) {
  write("Dockerfile", "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\nENV SERVICE_PASSWORD=changeme\n");
  std::vector<std::string> ids = rule_ids(lint_json("--disable-rule lint.env-secret", 1));
  EXPECT_EQ(ids, std::vector<std::string>{"lint.arg-secret"});
  EXPECT_TRUE(rule_ids(lint_json("--disable-rule 'lint.*'", 0)).empty());
  EXPECT_EQ(lint("--disable-rule lint.no-such-rule").exit_code, 2);
}

TEST_F(LintCliTest, BadInputIsExitTwoNamingIt) {
  write("Dockerfile", "RUN no from\n");
  CommandResult r = run_command(
      {"/bin/sh", "-c", "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) + "' lint 2>&1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no FROM instruction"), std::string::npos) << r.output;
  write("Dockerfile", "FROM a\n");
  write(".dockerignore", "!\n");
  r = run_command(
      {"/bin/sh", "-c", "cd '" + ctx() + "' && '" + std::string(STRATA_BINARY) + "' lint 2>&1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(".dockerignore: line 1"), std::string::npos) << r.output;
  EXPECT_EQ(lint("Missing.Dockerfile").exit_code, 2);
  EXPECT_EQ(lint("--context nowhere").exit_code, 2);
}

TEST_F(LintCliTest, TheFixPatchAppliesAndTheLeaksAreGone) {
  if (find_executable("git").empty()) STRATA_SKIP_OR_FAIL() << "git is not installed";
  write(".env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
  write("Dockerfile",
        "FROM node:20\nARG NPM_TOKEN\nCOPY . /app\nRUN npm ci \\\n"
        "    --token=$NPM_TOKEN\nENV API_TOKEN=abc123\nCMD [\"node\"]\n");
  CommandResult fix = lint("--fix");
  EXPECT_EQ(fix.exit_code, 1);
  write_file(dir_.path() + "/fix.patch", fix.output);
  CommandResult applied = run_command(
      {"/bin/sh", "-c", "cd '" + ctx() + "' && git apply '" + dir_.path() + "/fix.patch' 2>&1"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output << "\n" << fix.output;
  std::string dockerfile = read_file(ctx() + "/Dockerfile");
  EXPECT_NE(dockerfile.find("RUN --mount=type=secret,id=npm_token export "
                            "NPM_TOKEN=\"$(cat /run/secrets/npm_token)\" && npm ci \\\n"),
            std::string::npos)
      << dockerfile;
  EXPECT_EQ(dockerfile.find("ARG NPM_TOKEN"), std::string::npos);
  EXPECT_EQ(dockerfile.find("API_TOKEN"), std::string::npos);
  EXPECT_NE(read_file(ctx() + "/.dockerignore").find(".env"), std::string::npos);
  EXPECT_TRUE(rule_ids(lint_json("", 0)).empty());
  EXPECT_EQ(lint("--fix").output, "");  // nothing left to fix
}

// The repository's own Dockerfile with the repository as its context and its .dockerignore:
// nothing it sends or copies is a leak at high level or above, and the context was really read
// (the sources it copies).
TEST_F(LintCliTest, TheRepositorysOwnDockerfile) {
  std::string repo = STRATA_SOURCE_DIR;
  CommandResult r = run_command(
      {"/bin/sh", "-c",
       "'" + std::string(STRATA_BINARY) + "' lint '" + repo + "/Dockerfile' --context '" + repo +
           "' --format json --fail-on high 2>/dev/null"},
      300);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  json report = json::parse(r.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.output;
  for (const json& f : report["findings"]) {
    EXPECT_NE(f["severity"], "high") << f.dump(1);
    EXPECT_NE(f["severity"], "critical") << f.dump(1);
  }
  uint64_t files = report["stats"]["files"];
  EXPECT_GT(files, 100u);  // src/, include/, patterns/ …
  EXPECT_TRUE(report["errors"].empty()) << report["errors"].dump();
}

// The Dockerfiles the image tests build (tests/support/real-images), linted with the contexts
// they are built from: what they leak on purpose is predicted, and the clean one is clean.
TEST_F(LintCliTest, TheImageTestsDockerfiles) {
  std::string inputs = std::string(STRATA_SOURCE_DIR) + "/tests/support/real-images/";
  write(".env", "AWS_SECRET_ACCESS_KEY=" + aws_secret() + "\n");
  write("id_rsa", "not a real key\n");
  write("cache/x", "x\n");
  write("identical.conf", "a=b\n");
  write("site/index.html", "<p>hi</p>\n");
  write("Dockerfile", read_file(inputs + "leaky.Containerfile"));
  json leaky = lint_json("", 1);
  std::map<std::string, std::set<std::string>> by_rule;
  for (const json& f : leaky["findings"]) {
    std::string where = f["secret"].value("path", f["locations"][0].value("path", ""));
    by_rule[f["rule_id"]].insert(where);
  }
  EXPECT_EQ(by_rule["lint.arg-secret"],
            (std::set<std::string>{"ARG NPM_TOKEN", "ARG GITHUB_TOKEN"}));
  EXPECT_EQ(by_rule["lint.env-secret"], std::set<std::string>{"ENV STRIPE_API_KEY"});
  EXPECT_EQ(by_rule["lint.copy-context-secret"],
            (std::set<std::string>{"COPY .env .", "COPY id_rsa /app/id_rsa"}));
  // Those COPY name the secret files: the fix drops them rather than ignore the files.
  EXPECT_EQ(lint("--fix").output.find(".dockerignore"), std::string::npos);

  write("Dockerfile", read_file(inputs + "clean.Containerfile"));
  EXPECT_TRUE(rule_ids(lint_json("", 0)).empty());

  write("Dockerfile", read_file(inputs + "multistage.Containerfile"));
  json multi = lint_json("", 1);
  std::map<std::string, std::vector<std::string>> severities;
  for (const json& f : multi["findings"]) severities[f["rule_id"]].push_back(f["severity"]);
  // The builder's ARGs are not in the final image's history; but a RUN wrote BUILDER_TOKEN to
  // the .npmrc that COPY --from carries into it (high), while the other stays in the builder.
  EXPECT_EQ(severities["lint.arg-secret"], (std::vector<std::string>{"high", "low"}));
  EXPECT_EQ(severities["lint.copy-credentials-from-stage"], std::vector<std::string>{"high"});
  EXPECT_EQ(multi["findings"].size(), 3u);
}

}  // namespace
}  // namespace strata::test
