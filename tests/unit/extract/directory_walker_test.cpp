// walk_directory on a temporary tree.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/hostile_images.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::pseudo_random_bytes;
using test::RecordingVisitor;
using test::TempDir;
using test::write_file;

TEST(WalkDirectory, VisitsFilesWithRelativePathsAndExactBytes) {
  TempDir dir;
  std::string big = pseudo_random_bytes(1 << 20, 4);
  write_file(dir.path() + "/app/.env", "KEY=value\n");
  write_file(dir.path() + "/app/big.bin", big);
  write_file(dir.path() + "/top.txt", "top\n");
  RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  std::vector<std::string> paths;
  for (const auto& e : v.seen) paths.push_back(e.info.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"app", "app/.env", "app/big.bin", "top.txt"}));
  EXPECT_EQ(v.find("app/.env")->data, "KEY=value\n");
  EXPECT_TRUE(v.find("app/big.bin")->data == big);
  EXPECT_GT(v.find("app/big.bin")->chunks, 1u);
  EXPECT_EQ(v.find("app")->info.type, EntryType::kDirectory);
  EXPECT_EQ(stats->files, 3u);
  EXPECT_EQ(stats->file_bytes, big.size() + 14);
  EXPECT_EQ(changes.entries.size(), 4u);
}

TEST(WalkDirectory, RecordsSymlinksWithoutFollowingThem) {
  TempDir dir;
  TempDir outside;
  write_file(outside.path() + "/secret.txt", "outside\n");
  write_file(dir.path() + "/inside.txt", "in\n");
  ASSERT_EQ(::symlink(outside.path().c_str(), (dir.path() + "/link").c_str()), 0);
  RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_NE(v.find("link"), nullptr);
  EXPECT_EQ(v.find("link")->info.type, EntryType::kSymlink);
  EXPECT_EQ(v.find("link")->info.link_target, outside.path());
  EXPECT_EQ(v.find("link/secret.txt"), nullptr);
  EXPECT_EQ(v.seen.size(), 2u);
}

// A skipped directory is visited itself but never listed: nothing beneath it is seen, not
// even a FIFO a reader would block on.
TEST(WalkDirectory, ASkippedDirectoryIsNotDescendedInto) {
  TempDir dir;
  write_file(dir.path() + "/node_modules/a/index.js", "x\n");
  write_file(dir.path() + "/src/app.js", "y\n");
  ASSERT_EQ(::mkfifo((dir.path() + "/node_modules/pipe").c_str(), 0600), 0);
  std::vector<std::string> asked;
  RecordingVisitor v;
  DirectoryWorkers walk;
  walk.visitors.push_back(&v);
  walk.skip_directory = [&](const std::string& d) {
    asked.push_back(d);
    return d == "node_modules";
  };
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), walk, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  std::vector<std::string> paths;
  for (const auto& e : v.seen) paths.push_back(e.info.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"node_modules", "src", "src/app.js"}));
  EXPECT_EQ(asked, (std::vector<std::string>{"node_modules", "src"}));
  EXPECT_EQ(stats->entries, 3u);
  EXPECT_EQ(stats->files, 1u);
}

TEST(WalkDirectory, HashesLikeTheLayerWalker) {
  TempDir dir;
  write_file(dir.path() + "/a", "same");
  write_file(dir.path() + "/b", "same");
  write_file(dir.path() + "/c", "different");
  RecordingVisitor v;
  LayerChanges changes;
  ASSERT_TRUE(walk_directory(dir.path(), v, changes, {}));
  EXPECT_EQ(changes.entries.at("a").content_hash, changes.entries.at("b").content_hash);
  EXPECT_NE(changes.entries.at("a").content_hash, changes.entries.at("c").content_hash);
}

TEST(WalkDirectory, UnreadableFileIsSkippedWithReason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read anything";
  TempDir dir;
  write_file(dir.path() + "/locked", "x");
  write_file(dir.path() + "/open", "y");
  ASSERT_EQ(::chmod((dir.path() + "/locked").c_str(), 0), 0);
  RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(stats->skipped.size(), 1u);
  EXPECT_TRUE(stats->skipped[0].starts_with("locked: ")) << stats->skipped[0];
  EXPECT_EQ(v.find("locked"), nullptr);
  ASSERT_NE(v.find("open"), nullptr);
}

TEST(WalkDirectory, MaxPathBytesStopsWithAnError) {
  TempDir dir;
  for (int i = 0; i < 10; ++i) write_file(dir.path() + "/f" + std::to_string(i), "x");
  ScanLimits limits;
  limits.max_path_bytes = 5 * 2;  // five entries' paths
  RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, limits);
  ASSERT_FALSE(stats);
  EXPECT_NE(stats.error().message.find("entry f5: directory has paths longer than "
                                       "max_path_bytes (10 bytes) together"),
            std::string::npos)
      << stats.error().message;
  EXPECT_EQ(v.seen.size(), 5u);
}

TEST(WalkDirectory, AppliesMaxFileBytes) {
  TempDir dir;
  write_file(dir.path() + "/big", std::string(3000, 'q'));
  ScanLimits limits;
  limits.max_file_bytes = 100;
  RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, limits);
  ASSERT_TRUE(stats);
  EXPECT_EQ(v.find("big")->data.size(), 100u);
  ASSERT_EQ(stats->skipped.size(), 1u);
  EXPECT_NE(stats->skipped[0].find("max_file_bytes"), std::string::npos);
}

// 25 levels of 200-byte names: the bottom's path (5,000 bytes) is longer than PATH_MAX, so it
// is reached from an open directory on the way, on one thread and on workers alike.
TEST(WalkDirectory, ReachesEntriesDeeperThanPathMax) {
  TempDir dir;
  const std::string name(200, 'n');
  test::write_deep_file(dir.path(), name, 10, "middle.txt", "middle\n");
  test::write_deep_file(dir.path(), name, 25, "bottom.txt", "bottom\n");
  std::string bottom_dir;
  for (int i = 0; i < 25; ++i) bottom_dir += name + "/";
  for (size_t workers : {1, 2}) {
    std::vector<RecordingVisitor> visitors(workers);
    DirectoryWorkers pool;
    for (auto& v : visitors) pool.visitors.push_back(&v);
    LayerChanges changes;
    auto stats = walk_directory(dir.path(), pool, changes, {});
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_TRUE(stats->skipped.empty()) << stats->skipped.front().substr(0, 300);
    EXPECT_EQ(stats->files, 2u);
    EXPECT_EQ(stats->entries, 27u);
    const test::SeenEntry* seen = nullptr;
    for (auto& v : visitors) seen = seen ? seen : v.find(bottom_dir + "bottom.txt");
    ASSERT_NE(seen, nullptr) << workers << " workers";
    EXPECT_EQ(seen->data, "bottom\n");
    EXPECT_EQ(changes.entries.count(bottom_dir + "bottom.txt"), 1u);
  }
  test::remove_deep_tree(dir.path() + "/" + name);
}

TEST(WalkDirectory, MissingRootIsAnError) {
  TempDir dir;
  RecordingVisitor v;
  LayerChanges changes;
  EXPECT_FALSE(walk_directory(dir.path() + "/nope", v, changes, {}));
}

}  // namespace
}  // namespace strata
