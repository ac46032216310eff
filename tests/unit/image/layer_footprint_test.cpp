#include "strata/image/layer_footprint.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace strata {
namespace {

// Stored footprints outlive the binary that wrote them: the key of a path must never change.
TEST(LayerFootprint, PathKeysAreStableAndSpread) {
  // FNV-1a 64 then the splitmix64 finalizer, worked out independently (python3).
  EXPECT_EQ(path_key("app/.env"), 0xd3a484ae8e16a5d6ull);
  EXPECT_EQ(path_key(""), 0xf52a15e9a9b5e89bull);
  std::set<uint64_t> keys;
  for (int i = 0; i < 10000; ++i) keys.insert(path_key("usr/lib/file" + std::to_string(i)));
  EXPECT_EQ(keys.size(), 10000u);
}

TEST(LayerFootprint, AncestorKeysAreTheKeysOfTheDirectoriesAbove) {
  EXPECT_EQ(ancestor_keys("a/bc/d.txt"), (std::vector<uint64_t>{path_key("a"), path_key("a/bc")}));
  EXPECT_TRUE(ancestor_keys("top.txt").empty());
  EXPECT_TRUE(ancestor_keys("").empty());
}

TEST(LayerFootprint, AnswersWhatTheChangesRecorded) {
  LayerChanges changes;
  changes.record("app/.env", LayerEntry{EntryType::kFile, 12, 99});
  changes.record("app", LayerEntry{EntryType::kDirectory, 0, 0});
  changes.whiteouts.insert("etc/key");
  changes.opaque_dirs.insert("var/cache");
  LayerFootprint f = LayerFootprint::of(changes);
  ASSERT_NE(f.entry("app/.env"), nullptr);
  EXPECT_EQ(f.entry("app/.env")->size, 12);
  EXPECT_EQ(f.entry("app/.env")->content_hash, 99u);
  EXPECT_EQ(f.entry("app")->type, EntryType::kDirectory);
  EXPECT_EQ(f.entry("app/.en"), nullptr);
  EXPECT_TRUE(f.whiteout("etc/key"));
  EXPECT_FALSE(f.whiteout("etc"));
  EXPECT_TRUE(f.opaque("var/cache"));
  EXPECT_FALSE(f.opaque("var/cache/x"));
}

}  // namespace
}  // namespace strata
