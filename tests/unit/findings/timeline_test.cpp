#include "strata/findings/timeline.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

LayerEntry file(uint64_t hash, int64_t size = 10) {
  return LayerEntry{EntryType::kFile, size, hash};
}
LayerEntry dir() { return LayerEntry{EntryType::kDirectory, 0, 0}; }
LayerEntry symlink() { return LayerEntry{EntryType::kSymlink, 0, 0}; }

class TimelineTest : public ::testing::Test {
 protected:
  std::vector<LayerChanges> layers_;
  LayerChanges& layer(size_t i) {
    if (layers_.size() <= i) layers_.resize(i + 1);
    return layers_[i];
  }
  Fate fate(int layer, const std::string& path) {
    std::vector<LayerFootprint> footprints;
    for (const auto& l : layers_) footprints.push_back(LayerFootprint::of(l));
    std::vector<const LayerFootprint*> ptrs;
    for (const auto& f : footprints) ptrs.push_back(&f);
    return Timeline(ptrs).fate_of(layer, path);
  }
};

TEST_F(TimelineTest, UntouchedFileIsPresent) {
  layer(0).entries["app/.env"] = file(1);
  layer(1).entries["app/other"] = file(2);
  EXPECT_EQ(fate(0, "app/.env").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, WhiteoutDeletesInThatLayer) {
  layer(0).entries["app/id_rsa"] = file(1);
  layer(1);
  layer(2).whiteouts.insert("app/id_rsa");
  Fate f = fate(0, "app/id_rsa");
  EXPECT_EQ(f.kind, FateKind::kDeleted);
  EXPECT_EQ(f.changed_in, 2);
}

TEST_F(TimelineTest, WhiteoutOfParentDirectoryDeletes) {
  layer(0).entries["app/cache/token"] = file(1);
  layer(1).whiteouts.insert("app");
  Fate f = fate(0, "app/cache/token");
  EXPECT_EQ(f.kind, FateKind::kDeleted);
  EXPECT_EQ(f.changed_in, 1);
}

// 500,000 directories deep (a 1 MB path, as a pax header may give it): one pass over the path,
// where a copy of every parent's path would be 250 GB.
TEST_F(TimelineTest, AHostilelyDeepPathCostsItsLength) {
  std::string deep;
  while (deep.size() < 1'000'000) deep += "p/";
  layer(0).entries[deep + ".env"] = file(1);
  layer(1).opaque_dirs.insert("p/p");
  layer(2).whiteouts.insert(deep.substr(0, deep.size() - 1));
  Fate f = fate(0, deep + ".env");
  EXPECT_EQ(f.kind, FateKind::kHiddenByOpaque);
  EXPECT_EQ(f.changed_in, 1);
  layer(1).opaque_dirs.clear();
  EXPECT_EQ(fate(0, deep + ".env").kind, FateKind::kDeleted);
}

TEST_F(TimelineTest, WhiteoutOfSiblingWithCommonPrefixDoesNotDelete) {
  layer(0).entries["app/key"] = file(1);
  layer(1).whiteouts.insert("app/ke");
  layer(1).whiteouts.insert("ap");
  EXPECT_EQ(fate(0, "app/key").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, OpaqueDirectoryHides) {
  layer(0).entries["app/cache/token"] = file(1);
  layer(1).opaque_dirs.insert("app/cache");
  layer(1).entries["app/cache/fresh"] = file(9);
  Fate f = fate(0, "app/cache/token");
  EXPECT_EQ(f.kind, FateKind::kHiddenByOpaque);
  EXPECT_EQ(f.changed_in, 1);
}

TEST_F(TimelineTest, OpaqueDirectoryDoesNotHideItsOwnLayer) {
  layer(0).opaque_dirs.insert("app/cache");
  layer(0).entries["app/cache/token"] = file(1);
  EXPECT_EQ(fate(0, "app/cache/token").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, OverwrittenWithOtherContent) {
  layer(0).entries["etc/app.conf"] = file(1);
  layer(1).entries["etc/app.conf"] = file(2);
  Fate f = fate(0, "etc/app.conf");
  EXPECT_EQ(f.kind, FateKind::kOverwritten);
  EXPECT_EQ(f.changed_in, 1);
}

TEST_F(TimelineTest, OverwrittenWithIdenticalContentIsStillPresent) {
  layer(0).entries["etc/app.conf"] = file(1);
  layer(1).entries["etc/app.conf"] = file(1);
  EXPECT_EQ(fate(0, "etc/app.conf").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, ReplacedByDirectory) {
  layer(0).entries["app/secret"] = file(1);
  layer(1).whiteouts.insert("app/secret");
  layer(1).entries["app/secret"] = dir();
  Fate f = fate(0, "app/secret");
  EXPECT_EQ(f.changed_in, 1);
  EXPECT_NE(f.kind, FateKind::kPresent);
}

TEST_F(TimelineTest, ReplacedBySymlink) {
  layer(0).entries["app/secret"] = file(1);
  layer(1).entries["app/secret"] = symlink();
  Fate f = fate(0, "app/secret");
  EXPECT_EQ(f.kind, FateKind::kOverwritten);
  EXPECT_EQ(f.changed_in, 1);
}

TEST_F(TimelineTest, ReplacedBySymlinkAndBackWithSameContentIsPresent) {
  layer(0).entries["app/secret"] = file(1);
  layer(1).entries["app/secret"] = symlink();
  layer(2).entries["app/secret"] = file(1);
  EXPECT_EQ(fate(0, "app/secret").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, ParentReplacedByFile) {
  layer(0).entries["app/conf/key"] = file(1);
  layer(1).entries["app/conf"] = file(5);
  Fate f = fate(0, "app/conf/key");
  EXPECT_EQ(f.kind, FateKind::kOverwritten);
  EXPECT_EQ(f.changed_in, 1);
}

TEST_F(TimelineTest, DeletedThenReaddedWithOtherContentIsDeleted) {
  layer(0).entries["app/.env"] = file(1);
  layer(1).whiteouts.insert("app/.env");
  layer(2).entries["app/.env"] = file(2);
  Fate f = fate(0, "app/.env");
  EXPECT_EQ(f.kind, FateKind::kDeleted);
  EXPECT_EQ(f.changed_in, 1);
}

TEST_F(TimelineTest, DeletedThenReaddedWithSameContentIsPresent) {
  layer(0).entries["app/.env"] = file(1);
  layer(1).whiteouts.insert("app/.env");
  layer(2).entries["app/.env"] = file(1);
  EXPECT_EQ(fate(0, "app/.env").kind, FateKind::kPresent);
}

TEST_F(TimelineTest, ReaddedThenDeletedAgainNamesTheLastDeletion) {
  layer(0).entries["app/.env"] = file(1);
  layer(1).whiteouts.insert("app/.env");
  layer(2).entries["app/.env"] = file(1);
  layer(3).whiteouts.insert("app/.env");
  Fate f = fate(0, "app/.env");
  EXPECT_EQ(f.kind, FateKind::kDeleted);
  EXPECT_EQ(f.changed_in, 3);
}

TEST_F(TimelineTest, NestedArchivePathFollowsTheArchive) {
  layer(0).entries["app/lib.jar"] = file(1);
  layer(1).whiteouts.insert("app/lib.jar");
  EXPECT_EQ(fate(0, "app/lib.jar!/application.properties").kind, FateKind::kDeleted);
}

}  // namespace
}  // namespace strata
