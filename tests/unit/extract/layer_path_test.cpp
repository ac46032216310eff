// Whiteout recognition (path normalization: tests/unit/core/image_path_test.cpp).
#include <gtest/gtest.h>

#include "../../../src/extract/whiteout.hpp"

namespace strata {
namespace {

TEST(ClassifyWhiteout, PlainFilesAreNotWhiteouts) {
  EXPECT_EQ(classify_whiteout("a/b").kind, WhiteoutKind::kNone);
  EXPECT_EQ(classify_whiteout("a/x.wh.b").kind, WhiteoutKind::kNone);
  EXPECT_EQ(classify_whiteout(".wh.").kind, WhiteoutKind::kNone);
}

TEST(ClassifyWhiteout, WhiteoutNamesTheDeletedPath) {
  auto w = classify_whiteout("etc/.wh.passwd");
  EXPECT_EQ(w.kind, WhiteoutKind::kWhiteout);
  EXPECT_EQ(w.target, "etc/passwd");
  EXPECT_EQ(classify_whiteout(".wh.top").target, "top");
}

TEST(ClassifyWhiteout, OpaqueNamesTheDirectory) {
  auto w = classify_whiteout("var/lib/.wh..wh..opq");
  EXPECT_EQ(w.kind, WhiteoutKind::kOpaque);
  EXPECT_EQ(w.target, "var/lib");
  EXPECT_EQ(classify_whiteout(".wh..wh..opq").target, "");
}

TEST(ClassifyWhiteout, AufsMetadataIsIgnored) {
  EXPECT_EQ(classify_whiteout(".wh..wh.plnk/123").kind, WhiteoutKind::kNone);
  EXPECT_EQ(classify_whiteout(".wh..wh.plnk").kind, WhiteoutKind::kMetadata);
}

}  // namespace
}  // namespace strata
