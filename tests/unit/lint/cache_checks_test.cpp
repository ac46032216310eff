#include <gtest/gtest.h>

#include "lint_test_support.hpp"

namespace strata {
namespace {

using lint_test::Context;

std::vector<std::string> lines_of(const std::vector<Finding>& found) {
  std::vector<std::string> out;
  for (const Finding& f : found) {
    out.push_back(std::to_string(f.locations.at(0).dockerfile_line) + " " +
                  (f.remediation.at(0).lines.empty() ? "-" : f.remediation.at(0).lines.at(0)));
  }
  return out;
}

TEST(LintCacheTest, DependencyDirectoriesABroadCopySendsIntoTheImage) {
  Context ctx;
  ctx.write("node_modules/x/index.js", "x\n");
  ctx.write("packages/ui/node_modules/y/index.js", "y\n");
  ctx.write("app/__pycache__/main.cpython-312.pyc", "z\n");
  ctx.write("venv/lib/site.py", "not a virtualenv: no pyvenv.cfg\n");
  ctx.write(".venv/pyvenv.cfg", "home = /usr/bin\n");
  ctx.write("empty/.gradle/.keep", "");
  ctx.write("src/index.js", "s\n");
  ctx.write(".dockerignore", "packages/*/node_modules\n");
  LintTarget target = ctx.target("FROM node\nWORKDIR /app\nCOPY . .\n");
  LintFixes fixes;
  std::vector<Finding> found = lint_dependency_caches(target, &fixes);
  EXPECT_EQ(lines_of(found), (std::vector<std::string>{"3 .venv", "3 app/__pycache__",
                                                       "3 empty/.gradle", "3 node_modules"}));
  EXPECT_EQ(found.at(0).rule_id, "lint.copy-dependency-cache");
  EXPECT_EQ(fixes.ignore_entries.size(), 4u);
}

TEST(LintCacheTest, OnlyWhatReachesTheFinalImageAndNamedCopiesAreNotIgnored) {
  Context ctx;
  ctx.write("node_modules/x/index.js", "x\n");
  ctx.write("src/index.js", "s\n");
  EXPECT_TRUE(lint_dependency_caches(ctx.target("FROM node AS b\nCOPY . .\nFROM node\n"
                                                "COPY --from=b /dist /dist\nCOPY src/ /src/\n"))
                  .empty());
  LintFixes fixes;
  auto named = lint_dependency_caches(
      ctx.target("FROM node\nCOPY node_modules /app/node_modules\n"), &fixes);
  EXPECT_EQ(lines_of(named), std::vector<std::string>{"2 -"});
  EXPECT_TRUE(fixes.ignore_entries.empty());
}

}  // namespace
}  // namespace strata
