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

}  // namespace
}  // namespace strata
