#include "store_support.hpp"

#include <gtest/gtest.h>

#include "stored_reference.hpp"

namespace strata {
namespace {

TEST(GlobToLikeTest, StarsAndQuestionMarksBecomeLikeWildcards) {
  EXPECT_EQ(glob_to_like("aws.*"), "aws.%");
  EXPECT_EQ(glob_to_like("np?.token"), "np_.token");
}

TEST(GlobToLikeTest, LikesOwnWildcardsMatchOnlyThemselves) {
  EXPECT_EQ(glob_to_like("team_app%"), "team\\_app\\%");
  EXPECT_EQ(glob_to_like("a\\b"), "a\\\\b");
}

TEST(PrefixUpperBoundTest, IsTheNextStringAfterEveryExtension) {
  EXPECT_EQ(prefix_upper_bound("1f66"), "1f67");
  EXPECT_EQ(prefix_upper_bound("ab\x7f"), "ac");
  EXPECT_EQ(prefix_upper_bound(""), "");
}

TEST(FateNameTest, EveryFateRoundTrips) {
  for (FateKind kind : {FateKind::kPresent, FateKind::kDeleted, FateKind::kOverwritten,
                        FateKind::kHiddenByOpaque, FateKind::kNotInFilesystem}) {
    EXPECT_EQ(parse_fate_name(fate_name(kind)), kind);
  }
  EXPECT_FALSE(parse_fate_name("gone"));
}

TEST(StoredReferenceTest, TaggedDigestedBareAndDefaultTag) {
  auto tagged = parse_stored_reference("registry.test:5000/team/app:1.4");
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->registry, "registry.test:5000");
  EXPECT_EQ(tagged->repository, "team/app");
  EXPECT_EQ(tagged->tag, "1.4");
  std::string digest = "sha256:" + std::string(64, 'a');
  auto digested = parse_stored_reference("registry.test:5000/team/app@" + digest);
  ASSERT_TRUE(digested);
  EXPECT_EQ(digested->repository, "team/app");
  EXPECT_EQ(digested->digest, digest);
  EXPECT_EQ(digested->tag, "");
  auto bare = parse_stored_reference(digest);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->digest, digest);
  EXPECT_EQ(bare->repository, "");
  auto untagged = parse_stored_reference("registry.test:5000/team/app");
  ASSERT_TRUE(untagged);
  EXPECT_EQ(untagged->registry, "registry.test:5000");
  EXPECT_EQ(untagged->tag, "latest");
}

TEST(StoredReferenceTest, ReferencesWithoutRegistryOrTagAreErrors) {
  for (const char* bad :
       {"app:1", "/app:1", "registry.test/", "registry.test/app:", "registry.test/app@"}) {
    auto ref = parse_stored_reference(bad);
    ASSERT_FALSE(ref) << bad;
    EXPECT_NE(ref.error().message.find(bad), std::string::npos);
  }
}

TEST(StoredReferenceTest, TextNamesTheTagOrElseTheDigest) {
  EXPECT_EQ(stored_reference_text("r", "team/app", "1", "sha256:x"), "r/team/app:1");
  EXPECT_EQ(stored_reference_text("r", "team/app", "", "sha256:x"), "r/team/app@sha256:x");
}

}  // namespace
}  // namespace strata
