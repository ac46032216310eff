// walk_layer: entries, data, whiteouts, hashes, limits and bad input.
#include "strata/extract/layer_walker.hpp"

#include <gtest/gtest.h>

#include <string>

#include "recording_visitor.hpp"
#include "support/tar_writer.hpp"

namespace strata {
namespace {

using test::gzip_compress;
using test::memory_stream;
using test::pseudo_random_bytes;
using test::RecordingVisitor;
using test::TarWriter;
using test::zstd_compress;

struct Walk {
  RecordingVisitor visitor;
  LayerChanges changes;
  Result<WalkStats> stats;
};

Walk walk(std::string blob, ScanLimits limits = {}) {
  Walk w;
  w.stats = walk_layer(memory_stream(std::move(blob)), w.visitor, w.changes, limits);
  return w;
}

std::string two_file_tar() {
  TarWriter t;
  t.add_dir("app").add_file("app/a.txt", "alpha\n").add_file("app/b.txt", "beta\n");
  return t.finish();
}

class CompressionTest : public ::testing::TestWithParam<const char*> {
 protected:
  std::string compress(const std::string& tar) {
    std::string kind = GetParam();
    if (kind == "gzip") return gzip_compress(tar);
    if (kind == "zstd") return zstd_compress(tar);
    return tar;
  }
};

TEST_P(CompressionTest, VisitsEveryEntryWithExactBytes) {
  auto w = walk(compress(two_file_tar()));
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  ASSERT_EQ(w.visitor.seen.size(), 3u);
  EXPECT_EQ(w.visitor.seen[0].info.path, "app");
  EXPECT_EQ(w.visitor.seen[0].info.type, EntryType::kDirectory);
  EXPECT_EQ(w.visitor.seen[1].info.path, "app/a.txt");
  EXPECT_EQ(w.visitor.seen[1].data, "alpha\n");
  EXPECT_EQ(w.visitor.seen[2].data, "beta\n");
  for (const auto& e : w.visitor.seen) EXPECT_TRUE(e.ended) << e.info.path;
}

TEST_P(CompressionTest, StreamsLargeFileInSeveralChunks) {
  std::string big = pseudo_random_bytes(5 << 20, 3);
  TarWriter t;
  t.add_file("big.bin", big).add_file("after.txt", "after\n");
  auto w = walk(compress(t.finish()));
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  const auto* e = w.visitor.find("big.bin");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->info.size, static_cast<int64_t>(big.size()));
  EXPECT_GT(e->chunks, 1u);
  EXPECT_TRUE(e->data == big);
  ASSERT_NE(w.visitor.find("after.txt"), nullptr);
  EXPECT_EQ(w.visitor.find("after.txt")->data, "after\n");
}

TEST_P(CompressionTest, CountsStats) {
  std::string tar = two_file_tar();
  std::string blob = compress(tar);
  auto w = walk(blob);
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.stats->entries, 3u);
  EXPECT_EQ(w.stats->files, 2u);
  EXPECT_EQ(w.stats->file_bytes, std::string("alpha\nbeta\n").size());
  EXPECT_EQ(w.stats->bytes_in, blob.size());
  EXPECT_EQ(w.stats->bytes_decoded, tar.size());
  EXPECT_TRUE(w.stats->skipped.empty());
}

INSTANTIATE_TEST_SUITE_P(Kinds, CompressionTest, ::testing::Values("gzip", "zstd", "none"));

TEST(WalkLayer, SniffsBytesNotLabels) {
  // An uncompressed tar that some tool labelled gzip: the walker only ever sees bytes.
  auto w = walk(two_file_tar());
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.visitor.seen.size(), 3u);
}

TEST(WalkLayer, ReadsMultiMemberGzip) {
  std::string tar = two_file_tar();
  std::string blob = gzip_compress(tar.substr(0, 700)) + gzip_compress(tar.substr(700));
  auto w = walk(blob);
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  ASSERT_NE(w.visitor.find("app/b.txt"), nullptr);
  EXPECT_EQ(w.visitor.find("app/b.txt")->data, "beta\n");
}

TEST(WalkLayer, RecordsWhiteoutsWithoutVisitingThem) {
  TarWriter t;
  t.add_whiteout("etc/secret.conf").add_whiteout("top").add_file("etc/keep", "k");
  auto w = walk(gzip_compress(t.finish()));
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.changes.whiteouts, (std::set<std::string>{"etc/secret.conf", "top"}));
  ASSERT_EQ(w.visitor.seen.size(), 1u);
  EXPECT_EQ(w.visitor.seen[0].info.path, "etc/keep");
  EXPECT_EQ(w.changes.entries.size(), 1u);
}

TEST(WalkLayer, RecordsOpaqueDirectories) {
  TarWriter t;
  t.add_dir("var/lib").add_opaque("var/lib").add_opaque("./opt/");
  auto w = walk(t.finish());
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.changes.opaque_dirs, (std::set<std::string>{"var/lib", "opt"}));
  EXPECT_TRUE(w.changes.whiteouts.empty());
  ASSERT_EQ(w.visitor.seen.size(), 1u);
  EXPECT_EQ(w.changes.entries.count("var/lib/.wh..wh..opq"), 0u);
}

TEST(WalkLayer, NormalizesPaths) {
  TarWriter t;
  t.add_file("./a", "1").add_file("/b", "2").add_file("c", "3").add_dir("./d/");
  auto w = walk(t.finish());
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  std::vector<std::string> paths;
  for (const auto& e : w.visitor.seen) paths.push_back(e.info.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(w.changes.entries.count("a"), 1u);
  EXPECT_EQ(w.changes.entries.count("d"), 1u);
}

TEST(WalkLayer, KeepsDotDotPathsAsTheyAre) {
  TarWriter t;
  t.add_file("../escape", "x");
  auto w = walk(t.finish());
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  ASSERT_EQ(w.visitor.seen.size(), 1u);
  EXPECT_EQ(w.visitor.seen[0].info.path, "../escape");
}

TEST(WalkLayer, RecordsLinks) {
  TarWriter t;
  t.add_file("data", "d").add_symlink("sym", "/etc/passwd").add_hardlink("hard", "./data");
  auto w = walk(t.finish());
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  const auto* sym = w.visitor.find("sym");
  const auto* hard = w.visitor.find("hard");
  ASSERT_TRUE(sym && hard);
  EXPECT_EQ(sym->info.type, EntryType::kSymlink);
  EXPECT_EQ(sym->info.link_target, "/etc/passwd");
  EXPECT_EQ(hard->info.type, EntryType::kHardlink);
  EXPECT_EQ(hard->info.link_target, "data");
  EXPECT_EQ(hard->chunks, 0u);
  EXPECT_EQ(w.changes.entries.at("hard").type, EntryType::kHardlink);
  EXPECT_EQ(w.changes.entries.at("hard").content_hash, 0u);
}

TEST(WalkLayer, ContentHashFollowsContent) {
  TarWriter t;
  t.add_file("a", "same content").add_file("b", "same content").add_file("c", "other content");
  t.add_file("d", "same contenu").add_file("e", "");
  auto w = walk(gzip_compress(t.finish()));
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  const auto& e = w.changes.entries;
  EXPECT_EQ(e.at("a").content_hash, e.at("b").content_hash);
  EXPECT_NE(e.at("a").content_hash, e.at("c").content_hash);
  EXPECT_NE(e.at("a").content_hash, e.at("d").content_hash);
  EXPECT_NE(e.at("e").content_hash, 0u);
  EXPECT_EQ(e.at("a").size, 12);
}

TEST(WalkLayer, HashesFilesTheVisitorDeclined) {
  TarWriter t;
  t.add_file("x", "payload one").add_file("y", "payload two");
  RecordingVisitor v;
  v.decide = [](const EntryInfo& e) { return e.path == "x" ? Control::kStop : Control::kContinue; };
  LayerChanges declined;
  ASSERT_TRUE(walk_layer(memory_stream(t.finish()), v, declined, {}));
  ASSERT_EQ(v.seen.size(), 1u);
  EXPECT_EQ(v.seen[0].data, "payload two");

  TarWriter t2;
  t2.add_file("x", "payload one");
  auto w = walk(t2.finish());
  ASSERT_TRUE(w.stats);
  EXPECT_EQ(declined.entries.at("x").content_hash, w.changes.entries.at("x").content_hash);
}

TEST(WalkLayer, StopsFeedingAfterVisitorStopsButStaysInSync) {
  std::string big = pseudo_random_bytes(3 << 20, 5);
  TarWriter t;
  t.add_file("big", big).add_file("next", "n");
  RecordingVisitor v;
  v.stop_after = 1;
  LayerChanges changes;
  auto stats = walk_layer(memory_stream(gzip_compress(t.finish())), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(v.seen.size(), 2u);
  EXPECT_EQ(v.seen[0].chunks, 1u);
  EXPECT_TRUE(v.seen[0].ended);
  EXPECT_EQ(v.seen[1].data.substr(0, 1), "n");
}

TEST(WalkLayer, LastEntryForAPathWins) {
  TarWriter t;
  t.add_file("f", "first").add_file("f", "second, longer");
  auto w = walk(t.finish());
  ASSERT_TRUE(w.stats);
  EXPECT_EQ(w.changes.entries.at("f").size, 14);
}

TEST(WalkLayer, TruncatedGzipIsAnErrorAfterEarlierEntries) {
  std::string big = pseudo_random_bytes(1 << 20, 9);
  TarWriter t;
  t.add_file("first.txt", "first\n").add_file("app/x", big);
  std::string gz = gzip_compress(t.finish());
  auto w = walk(gz.substr(0, gz.size() / 2));
  ASSERT_FALSE(w.stats);
  EXPECT_EQ(w.stats.error().message, "entry app/x: gzip: unexpected end of data");
  ASSERT_NE(w.visitor.find("first.txt"), nullptr);
  EXPECT_EQ(w.visitor.find("first.txt")->data, "first\n");
}

TEST(WalkLayer, TruncatedZstdIsAnErrorAfterEarlierEntries) {
  std::string big = pseudo_random_bytes(1 << 20, 9);
  TarWriter t;
  t.add_file("first.txt", "first\n").add_file("app/x", big);
  std::string z = zstd_compress(t.finish());
  auto w = walk(z.substr(0, z.size() / 2));
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("zstd: unexpected end of data"), std::string::npos)
      << w.stats.error().message;
  EXPECT_NE(w.visitor.find("first.txt"), nullptr);
}

TEST(WalkLayer, TruncatedTrailerIsAnError) {
  std::string gz = gzip_compress(two_file_tar());
  auto w = walk(gz.substr(0, gz.size() - 4));
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("gzip: "), std::string::npos);
  EXPECT_EQ(w.visitor.seen.size(), 3u);
}

TEST(WalkLayer, CorruptTarHeaderIsAnError) {
  TarWriter t;
  t.add_file("ok.txt", "fine\n").add_file("broken.txt", "never seen\n");
  std::string tar = t.finish();
  // The second header starts after the first header and its one data block.
  size_t second = tar.find("broken.txt");
  ASSERT_NE(second, std::string::npos);
  second -= second % 512;
  for (size_t i = second; i < second + 512; ++i) tar[i] = static_cast<char>(0x41 + i % 7);
  auto w = walk(gzip_compress(tar));
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("tar: "), std::string::npos) << w.stats.error().message;
  ASSERT_NE(w.visitor.find("ok.txt"), nullptr);
  EXPECT_EQ(w.visitor.find("broken.txt"), nullptr);
}

TEST(WalkLayer, TruncatedTarIsAnError) {
  TarWriter t;
  t.add_file("app/x", pseudo_random_bytes(10000, 2));
  std::string tar = t.finish();
  auto w = walk(tar.substr(0, 512 + 3000));
  ASSERT_FALSE(w.stats);
  EXPECT_TRUE(w.stats.error().message.starts_with("entry app/x: tar: ")) << w.stats.error().message;
}

TEST(WalkLayer, GarbageIsAnError) {
  auto w = walk(pseudo_random_bytes(4096, 11));
  EXPECT_FALSE(w.stats);
}

TEST(WalkLayer, NullStreamIsAnError) {
  RecordingVisitor v;
  LayerChanges c;
  EXPECT_FALSE(walk_layer(nullptr, v, c, {}));
}

TEST(WalkLayer, MaxFileBytesSkipsTheRestAndSaysSo) {
  TarWriter t;
  t.add_file("big.bin", std::string(5000, 'b')).add_file("small", "s");
  ScanLimits limits;
  limits.max_file_bytes = 1000;
  auto w = walk(t.finish(), limits);
  ASSERT_TRUE(w.stats) << w.stats.error().message;
  EXPECT_EQ(w.visitor.find("big.bin")->data, std::string(1000, 'b'));
  EXPECT_EQ(w.visitor.find("small")->data, "s");
  ASSERT_EQ(w.stats->skipped.size(), 1u);
  EXPECT_TRUE(w.stats->skipped[0].starts_with("big.bin: ")) << w.stats->skipped[0];
  EXPECT_NE(w.stats->skipped[0].find("max_file_bytes"), std::string::npos);
}

TEST(WalkLayer, MaxFileBytesStillHashesTheWholeFile) {
  TarWriter a, b;
  a.add_file("f", std::string(5000, 'b') + "A");
  b.add_file("f", std::string(5000, 'b') + "B");
  ScanLimits limits;
  limits.max_file_bytes = 1000;
  auto wa = walk(a.finish(), limits);
  auto wb = walk(b.finish(), limits);
  ASSERT_TRUE(wa.stats && wb.stats);
  EXPECT_NE(wa.changes.entries.at("f").content_hash, wb.changes.entries.at("f").content_hash);
}

TEST(WalkLayer, MaxEntriesStopsWithAnError) {
  TarWriter t;
  for (int i = 0; i < 10; ++i) t.add_file("f" + std::to_string(i), "x");
  ScanLimits limits;
  limits.max_entries = 5;
  auto w = walk(t.finish(), limits);
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("max_entries"), std::string::npos);
  EXPECT_EQ(w.visitor.seen.size(), 5u);
}

TEST(WalkLayer, MaxPathBytesStopsWithAnErrorNamingTheEntryShortly) {
  TarWriter t;
  const std::string dir(300, 'd');
  for (int i = 0; i < 10; ++i) t.add_file(dir + "/f" + std::to_string(i), "x");
  ScanLimits limits;
  limits.max_path_bytes = 5 * 303;  // five entries' paths
  auto w = walk(t.finish(), limits);
  ASSERT_FALSE(w.stats);
  const std::string& message = w.stats.error().message;
  EXPECT_NE(message.find("…(303 bytes)…"), std::string::npos) << message;
  EXPECT_NE(message.find("d/f5: layer has paths longer than max_path_bytes (1515 bytes) together"),
            std::string::npos)
      << message;
  EXPECT_EQ(w.visitor.seen.size(), 5u);
}

TEST(WalkLayer, MaxLayerBytesStopsWithAnError) {
  TarWriter t;
  t.add_file("big", std::string(2 << 20, 'z'));
  ScanLimits limits;
  limits.max_layer_bytes = 1 << 20;
  auto w = walk(gzip_compress(t.finish()), limits);
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("max_layer_bytes"), std::string::npos);
  EXPECT_TRUE(w.stats.error().message.starts_with("entry big: ")) << w.stats.error().message;
}

TEST(WalkLayer, ExpansionRatioStopsABomb) {
  TarWriter t;
  t.add_file("bomb", std::string(80 << 20, '\0'));
  ScanLimits limits;
  limits.max_expansion_ratio = 100;
  auto w = walk(gzip_compress(t.finish()), limits);
  ASSERT_FALSE(w.stats);
  EXPECT_NE(w.stats.error().message.find("max_expansion_ratio"), std::string::npos);
}

TEST(WalkLayer, NoChunkExceedsOneMebibyteForA64MebibyteFile) {
  std::string pattern = pseudo_random_bytes(4096, 21);
  std::string big;
  big.reserve(64 << 20);
  while (big.size() < (64u << 20)) big += pattern;
  TarWriter t;
  t.add_file("huge.bin", big);
  std::string blob = gzip_compress(t.finish());
  big.clear();
  big.shrink_to_fit();

  RecordingVisitor v;
  v.keep_data = false;
  LayerChanges changes;
  ScanLimits limits;
  limits.max_expansion_ratio = 1 << 20;  // a repeated pattern compresses like a bomb
  auto stats = walk_layer(memory_stream(std::move(blob)), v, changes, limits);
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(v.seen.size(), 1u);
  EXPECT_EQ(v.seen[0].bytes, 64u << 20);
  EXPECT_GT(v.seen[0].chunks, 64u);
  EXPECT_LE(v.seen[0].largest_chunk, 1u << 20);
}

}  // namespace
}  // namespace strata
