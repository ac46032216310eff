#include <gtest/gtest.h>

#include "lint_test_support.hpp"
#include "support/subprocess.hpp"

namespace strata {
namespace {

using lint_test::Context;

TEST(FixPatchTest, NoFixesNoPatch) {
  Context ctx;
  EXPECT_EQ(fix_patch(ctx.target("FROM a\n"), {}), "");
}

TEST(FixPatchTest, TheDockerfileRewriteKeepsContinuationsAndDropsTheArg) {
  Context ctx;
  LintTarget target =
      ctx.target("FROM a\nARG NPM_TOKEN\nRUN npm ci \\\n  --token=$NPM_TOKEN\nCMD x\n");
  LintFixes fixes;
  lint_dockerfile(target, *lint_test::token_engine(), &fixes);
  std::string patch = fix_patch(target, fixes);
  EXPECT_NE(patch.find("-ARG NPM_TOKEN\n"), std::string::npos);
  EXPECT_NE(patch.find("+RUN --mount=type=secret,id=npm_token export "
                       "NPM_TOKEN=\"$(cat /run/secrets/npm_token)\" && npm ci \\\n"),
            std::string::npos)
      << patch;
  EXPECT_NE(patch.find("\n   --token=$NPM_TOKEN\n"), std::string::npos);  // kept, as context
  EXPECT_NE(patch.find("\n FROM a\n"), std::string::npos);
  EXPECT_EQ(patch.find("+ARG"), std::string::npos);
}

TEST(FixPatchTest, ChangesFarApartAreSeparateHunksWithThreeLinesOfContext) {
  Context ctx;
  std::string filler;
  for (int i = 0; i < 12; ++i) filler += "LABEL n" + std::to_string(i) + "=v\n";
  LintTarget target = ctx.target("FROM a\nARG API_TOKEN\n" + filler + "RUN make $API_TOKEN\n");
  LintFixes fixes;
  lint_dockerfile(target, *lint_test::token_engine(), &fixes);
  std::string patch = fix_patch(target, fixes);
  EXPECT_NE(patch.find("@@ -1,5 +1,4 @@\n FROM a\n-ARG API_TOKEN\n LABEL n0=v\n"),
            std::string::npos)
      << patch;
  EXPECT_NE(patch.find("@@ -12,4 +11,4 @@\n LABEL n9=v\n"), std::string::npos) << patch;
  EXPECT_EQ(patch.find("LABEL n5=v"), std::string::npos);  // not within three lines of a change
}

TEST(FixPatchTest, NewIgnoreEntriesGoToTheIgnoreFileTheBuildReads) {
  Context ctx;
  ctx.write(".dockerignore", "node_modules");  // no final newline
  LintTarget target = ctx.target("FROM a\nCOPY . .\n");
  LintFixes fixes;
  fixes.ignore_entries = {".env", "node_modules"};  // the second is excluded already
  std::string patch = fix_patch(target, fixes);
  EXPECT_NE(patch.find("\\ No newline at end of file\n"), std::string::npos);
  EXPECT_NE(patch.find("\n+.env\n"), std::string::npos);
  EXPECT_EQ(patch.find("+node_modules\n+node_modules"), std::string::npos);
}

}  // namespace
}  // namespace strata
