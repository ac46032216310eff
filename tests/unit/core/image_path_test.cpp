#include "strata/core/image_path.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(NormalizeImagePath, StripsLeadingDotSlashAndSlash) {
  EXPECT_EQ(normalize_image_path("./a/b"), "a/b");
  EXPECT_EQ(normalize_image_path("/a/b"), "a/b");
  EXPECT_EQ(normalize_image_path(".//./a/b"), "a/b");
  EXPECT_EQ(normalize_image_path("a/b"), "a/b");
}

TEST(NormalizeImagePath, CollapsesSlashesAndDotsAndDropsTrailingSlash) {
  EXPECT_EQ(normalize_image_path("a//b/"), "a/b");
  EXPECT_EQ(normalize_image_path("././a/./b//"), "a/b");
  EXPECT_EQ(normalize_image_path("a/b/."), "a/b");
}

TEST(NormalizeImagePath, RootIsEmpty) {
  EXPECT_EQ(normalize_image_path("./"), "");
  EXPECT_EQ(normalize_image_path("/"), "");
  EXPECT_EQ(normalize_image_path("."), "");
  EXPECT_EQ(normalize_image_path(""), "");
}

TEST(NormalizeImagePath, KeepsDotDotByDefault) {
  EXPECT_EQ(normalize_image_path("../x"), "../x");
  EXPECT_EQ(normalize_image_path("./a/../../x/"), "a/../../x");
}

TEST(NormalizeImagePath, ResolvesDotDotWhenAsked) {
  EXPECT_EQ(normalize_image_path("a/../b", DotDot::kResolve), "b");
  EXPECT_EQ(normalize_image_path("./a/b/c/../../d", DotDot::kResolve), "a/d");
  EXPECT_EQ(normalize_image_path("a/b/..", DotDot::kResolve), "a");
}

TEST(NormalizeImagePath, DotDotAtTheRootStaysThere) {
  EXPECT_EQ(normalize_image_path("../x", DotDot::kResolve), "x");
  EXPECT_EQ(normalize_image_path("/a/../../../etc/x", DotDot::kResolve), "etc/x");
  EXPECT_EQ(normalize_image_path("..", DotDot::kResolve), "");
}

TEST(NormalizeImagePath, NamesThatOnlyLookLikeDotsAreKept) {
  EXPECT_EQ(normalize_image_path("a/.../b/.x/..y", DotDot::kResolve), "a/.../b/.x/..y");
  EXPECT_EQ(normalize_image_path("app.jar!/BOOT-INF/./x"), "app.jar!/BOOT-INF/x");
}

TEST(ShortenedPath, KeepsShortPathsAndBothEndsOfLongOnes) {
  EXPECT_EQ(shortened_path("app/.env"), "app/.env");
  EXPECT_EQ(shortened_path(std::string(256, 'a')), std::string(256, 'a'));
  std::string deep;
  for (int i = 0; i < 10'000; ++i) deep += "d/";
  deep += ".env";
  std::string s = shortened_path(deep);
  EXPECT_LT(s.size(), 256u);
  EXPECT_TRUE(s.starts_with("d/d/"));
  EXPECT_TRUE(s.ends_with("d/.env"));
  EXPECT_NE(s.find("(20004 bytes)"), std::string::npos) << s;
}

}  // namespace
}  // namespace strata
