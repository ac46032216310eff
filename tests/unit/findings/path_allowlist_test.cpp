#include "strata/findings/path_allowlist.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(PathAllowlistTest, MatchesTranslationsDocsTestsAndPackages) {
  EXPECT_EQ(default_allowlist_match("usr/share/locale/de/LC_MESSAGES/shadow.mo"), "*.mo");
  EXPECT_EQ(default_allowlist_match("app/node_modules/x/index.js"), "node_modules/");
  EXPECT_EQ(default_allowlist_match("srv/app/tests/conf.py"), "tests/");
  EXPECT_EQ(default_allowlist_match("app/dist/main.js.map"), "*.map");
}

TEST(PathAllowlistTest, LeavesApplicationFilesAlone) {
  EXPECT_FALSE(default_allowlist_match("app/.env"));
  EXPECT_FALSE(default_allowlist_match("app/config/settings.py"));
  EXPECT_FALSE(default_allowlist_match("app/testing.conf"));       // "test" only as a whole dir
  EXPECT_FALSE(default_allowlist_match("opt/latest/app.yaml"));    // "test" inside a name
  EXPECT_FALSE(default_allowlist_match("root/node_modules.bak"));  // not a directory
}

}  // namespace
}  // namespace strata
