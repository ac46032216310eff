// Nested archives inside layers: jars, wars, tar.gz, single .gz files; paths, raw bytes of the
// outer file, limits, damaged archives.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"
#include "zip_writer.hpp"

namespace strata {
namespace {

using test::gzip_compress;
using test::memory_stream;
using test::pseudo_random_bytes;
using test::SeenEntry;
using test::TarWriter;
using test::ZipWriter;
using test::zstd_compress;

// Records entries like RecordingVisitor, offers a child visitor per depth, and counts
// breaches of the one-entry-at-a-time protocol.
class TreeVisitor final : public EntryVisitor {
 public:
  explicit TreeVisitor(bool offer_nested = true) : offer_nested_(offer_nested) {}

  std::vector<SeenEntry> seen;
  int protocol_errors = 0;
  int asked = 0;
  std::unique_ptr<TreeVisitor> child;

  std::string decline;  // a path whose on_entry says kStop

  Control on_entry(const EntryInfo& entry) override {
    if (entry.path == decline) return Control::kStop;
    if (open_) ++protocol_errors;
    open_ = true;
    seen.emplace_back();
    seen.back().info = entry;
    return Control::kContinue;
  }
  Control on_data(std::string_view chunk) override {
    if (!open_) ++protocol_errors;
    seen.back().data.append(chunk);
    seen.back().bytes += chunk.size();
    ++seen.back().chunks;
    return Control::kContinue;
  }
  void on_entry_end() override {
    if (!open_) ++protocol_errors;
    open_ = false;
    seen.back().ended = true;
  }
  EntryVisitor* nested_visitor() override {
    ++asked;
    if (!offer_nested_) return nullptr;
    if (!child) child = std::make_unique<TreeVisitor>();
    return child.get();
  }

  // The visitor at `depth` below this one (0: this one), or nullptr.
  const TreeVisitor* at(int depth) const {
    const TreeVisitor* v = this;
    for (int i = 0; i < depth && v; ++i) v = v->child.get();
    return v;
  }
  const SeenEntry* find(const std::string& path, int depth) const {
    const TreeVisitor* v = at(depth);
    if (!v) return nullptr;
    for (const auto& e : v->seen) {
      if (e.info.path == path) return &e;
    }
    return nullptr;
  }
  int all_protocol_errors() const {
    return protocol_errors + (child ? child->all_protocol_errors() : 0) + (open_ ? 1 : 0);
  }

 private:
  bool offer_nested_;
  bool open_ = false;
};

struct Walk {
  explicit Walk(bool offer_nested) : visitor(offer_nested) {}
  TreeVisitor visitor;
  LayerChanges changes;
  Result<WalkStats> stats;
};

std::unique_ptr<Walk> walk(std::string blob, ScanLimits limits = {}, bool offer_nested = true) {
  auto w = std::make_unique<Walk>(offer_nested);
  w->stats = walk_layer(memory_stream(std::move(blob)), w->visitor, w->changes, limits);
  return w;
}

std::string layer_with(const std::string& path, const std::string& content) {
  TarWriter t;
  t.add_file(path, content).add_file("after.txt", "after\n");
  return gzip_compress(t.finish());
}

// A made-up credential; built at run time so no token-shaped literal sits in the source.
std::string fake_password() { return std::string("hunter") + "2-" + std::string(20, 'q'); }

std::string properties() {
  return "spring.datasource.url=jdbc:x\nspring.datasource.password=" + fake_password() + "\n";
}

std::string spring_jar() {
  ZipWriter z;
  z.add_dir("BOOT-INF/").add("BOOT-INF/classes/application.properties", properties());
  z.add("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n");
  return z.finish();
}

bool has_skip(const WalkStats& stats, const std::string& prefix, const std::string& word) {
  for (const auto& s : stats.skipped) {
    if (s.starts_with(prefix) && s.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string skipped_list(const WalkStats& stats) {
  std::string out;
  for (const auto& s : stats.skipped) out += s + "\n";
  return out;
}

TEST(NestedArchive, JarEntriesGoToTheNestedVisitorWithBangPaths) {
  auto w = walk(layer_with("app/app.jar", spring_jar()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* e = w->visitor.find("app/app.jar!/BOOT-INF/classes/application.properties", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, properties());
  EXPECT_EQ(e->info.type, EntryType::kFile);
  EXPECT_TRUE(e->ended);
  EXPECT_NE(w->visitor.find("app/app.jar!/META-INF/MANIFEST.MF", 1), nullptr);
  EXPECT_EQ(w->visitor.find("app/app.jar!/BOOT-INF/classes/application.properties", 0), nullptr);
  EXPECT_EQ(w->stats->nested_archives, 1u);
  EXPECT_EQ(w->stats->nested_entries, 3u);
  EXPECT_TRUE(w->stats->skipped.empty()) << skipped_list(*w->stats);
  EXPECT_EQ(w->visitor.all_protocol_errors(), 0);
}

TEST(NestedArchive, OuterFileStillSeesExactlyItsRawBytes) {
  std::string jar = spring_jar();
  auto w = walk(layer_with("app/app.jar", jar));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* outer = w->visitor.find("app/app.jar", 0);
  ASSERT_NE(outer, nullptr);
  EXPECT_TRUE(outer->data == jar);
  EXPECT_TRUE(outer->ended);
  EXPECT_EQ(w->visitor.find("after.txt", 0)->data, "after\n");
}

TEST(NestedArchive, OuterContentHashIsTheSameAsWithoutNesting) {
  std::string blob = layer_with("app/app.jar", spring_jar());
  auto nested = walk(blob);
  auto plain = walk(blob, {}, /*offer_nested=*/false);
  ASSERT_TRUE(nested->stats && plain->stats);
  EXPECT_EQ(nested->changes.entries.at("app/app.jar").content_hash,
            plain->changes.entries.at("app/app.jar").content_hash);
  EXPECT_EQ(plain->visitor.child, nullptr);
  EXPECT_EQ(plain->stats->nested_archives, 0u);
}

TEST(NestedArchive, NestedEntriesAreNotLayerChanges) {
  auto w = walk(layer_with("app/app.jar", spring_jar()));
  ASSERT_TRUE(w->stats);
  EXPECT_EQ(w->changes.entries.size(), 2u);
  for (const auto& [path, entry] : w->changes.entries) {
    EXPECT_EQ(path.find('!'), std::string::npos) << path;
  }
}

TEST(NestedArchive, WarWithJarIsWalkedTwoDeep) {
  ZipWriter inner;
  inner.add("x.properties", properties());
  std::string jar = inner.finish();
  ZipWriter war;
  war.add("WEB-INF/web.xml", "<web-app/>\n")
      .add("WEB-INF/lib/b.jar", jar, ZipWriter::Method::kStore);
  auto w = walk(layer_with("srv/a.war", war.finish()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* deep = w->visitor.find("srv/a.war!/WEB-INF/lib/b.jar!/x.properties", 2);
  ASSERT_NE(deep, nullptr);
  EXPECT_EQ(deep->data, properties());
  const auto* jar_raw = w->visitor.find("srv/a.war!/WEB-INF/lib/b.jar", 1);
  ASSERT_NE(jar_raw, nullptr);
  EXPECT_TRUE(jar_raw->data == jar);
  EXPECT_EQ(w->stats->nested_archives, 2u);
  EXPECT_EQ(w->visitor.all_protocol_errors(), 0);
}

TEST(NestedArchive, TarGzInsideALayer) {
  TarWriter inner;
  inner.add_dir("conf").add_file("conf/app.env", "DB_PASSWORD=" + fake_password() + "\n");
  auto w = walk(layer_with("opt/bundle.tar.gz", gzip_compress(inner.finish())));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* e = w->visitor.find("opt/bundle.tar.gz!/conf/app.env", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, "DB_PASSWORD=" + fake_password() + "\n");
  const auto* dir = w->visitor.find("opt/bundle.tar.gz!/conf", 1);
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->info.type, EntryType::kDirectory);
}

// A nested tar is read by strata's TarReader, and libarchive takes over from an entry it does
// not take on (here an unknown type put first): both give the same entries.
TEST(NestedArchive, NestedTarWalksAsThroughLibarchive) {
  TarWriter inner;
  inner.add_dir("conf").add_file("conf/app.env", "DB_PASSWORD=" + fake_password() + "\n");
  inner.add_file(std::string(120, 'l') + ".txt", pseudo_random_bytes(513, 7));
  inner.add_symlink("conf/link", "../target").add_hardlink("conf/hard", "conf/app.env");
  // libarchive's writer takes no non-ASCII name in the C locale: that entry is written by hand.
  std::string tar =
      test::ustar_header("caf\xc3\xa9.txt", '0', 5) + test::tar_padded("hello") + inner.finish();
  std::string forced = test::ustar_header("zz-handover", 'Z', 0) + tar;
  auto ours = walk(layer_with("x.tar", tar));
  auto theirs = walk(layer_with("x.tar", forced));
  ASSERT_TRUE(ours->stats && theirs->stats);
  EXPECT_TRUE(ours->stats->skipped.empty()) << skipped_list(*ours->stats);
  std::vector<SeenEntry> expected = theirs->visitor.at(1)->seen;
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(expected.front().info.path, "x.tar!/zz-handover");
  expected.erase(expected.begin());
  const auto& seen = ours->visitor.at(1)->seen;
  ASSERT_EQ(seen.size(), expected.size());
  ASSERT_EQ(seen.size(), 6u);
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].info.path, expected[i].info.path);
    EXPECT_EQ(seen[i].info.type, expected[i].info.type) << seen[i].info.path;
    EXPECT_EQ(seen[i].info.size, expected[i].info.size) << seen[i].info.path;
    EXPECT_EQ(seen[i].info.link_target, expected[i].info.link_target) << seen[i].info.path;
    EXPECT_EQ(seen[i].data, expected[i].data) << seen[i].info.path;
  }
}

// A damaged header inside a nested tar is recorded (in TarReader's words) after the entries
// before it were visited, and the layer walk goes on.
TEST(NestedArchive, DamagedHeaderInANestedTarIsRecorded) {
  std::string bad = test::ustar_header("b.txt", '0', 2);
  bad[0] = 'c';
  std::string tar = test::ustar_header("a.txt", '0', 3) + test::tar_padded("abc") + bad +
                    test::tar_padded("hi") + std::string(1024, '\0');
  auto w = walk(layer_with("x.tar", tar));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  ASSERT_NE(w->visitor.find("x.tar!/a.txt", 1), nullptr);
  EXPECT_EQ(w->visitor.find("x.tar!/a.txt", 1)->data, "abc");
  EXPECT_TRUE(has_skip(*w->stats, "x.tar: nested tar: ", "damaged tar header (checksum mismatch)"))
      << skipped_list(*w->stats);
  EXPECT_NE(w->visitor.find("after.txt", 0), nullptr);
}

TEST(NestedArchive, TarZstInsideALayer) {
  TarWriter inner;
  inner.add_file("k.txt", "zstd inside\n");
  auto w = walk(layer_with("opt/bundle.tar.zst", zstd_compress(inner.finish())));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* e = w->visitor.find("opt/bundle.tar.zst!/k.txt", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, "zstd inside\n");
}

TEST(NestedArchive, TgzCompressionIsSniffedNotTakenFromTheName) {
  TarWriter inner;
  inner.add_file("plain.txt", "not compressed after all\n");
  auto w = walk(layer_with("opt/mislabelled.tgz", inner.finish()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* e = w->visitor.find("opt/mislabelled.tgz!/plain.txt", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, "not compressed after all\n");
}

TEST(NestedArchive, SingleGzFileIsOneFileNamedWithoutGz) {
  std::string log = "line one\ntoken=" + fake_password() + "\n";
  auto w = walk(layer_with("var/log/app.log.gz", gzip_compress(log)));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  ASSERT_NE(w->visitor.at(1), nullptr);
  ASSERT_EQ(w->visitor.at(1)->seen.size(), 1u);
  const auto& e = w->visitor.at(1)->seen[0];
  EXPECT_EQ(e.info.path, "var/log/app.log.gz!/app.log");
  EXPECT_EQ(e.data, log);
  EXPECT_TRUE(e.ended);
}

TEST(NestedArchive, GzThatIsNotGzipIsRecordedNotFatal) {
  auto w = walk(layer_with("var/log/app.log.gz", "plain text, not gzip\n"));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "var/log/app.log.gz: nested gzip: ", "not gzip"))
      << skipped_list(*w->stats);
  EXPECT_EQ(w->visitor.find("var/log/app.log.gz", 0)->data, "plain text, not gzip\n");
}

TEST(NestedArchive, DeflatedEntryWithUnknownSizeUsesADataDescriptor) {
  ZipWriter z;
  z.add("streamed.properties", properties(), ZipWriter::Method::kDeflate, /*size_known=*/false);
  z.add("second.txt", "second\n");
  std::string zip = z.finish();
  ASSERT_NE(zip.find("PK\x07\x08"), std::string::npos);  // the data descriptor signature
  auto w = walk(layer_with("lib/streamed.zip", zip));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  ASSERT_NE(w->visitor.find("lib/streamed.zip!/streamed.properties", 1), nullptr);
  EXPECT_EQ(w->visitor.find("lib/streamed.zip!/streamed.properties", 1)->data, properties());
  ASSERT_NE(w->visitor.find("lib/streamed.zip!/second.txt", 1), nullptr);
  EXPECT_EQ(w->visitor.find("lib/streamed.zip!/second.txt", 1)->data, "second\n");
}

TEST(NestedArchive, StoredEntryWithADataDescriptorIsRead) {
  // The hard case for streaming zip readers: no compressed stream marks the end, so the reader
  // must find the descriptor (libarchive scans for its signature).
  ZipWriter z;
  z.add("stored.txt", "stored bytes\n", ZipWriter::Method::kStore, /*size_known=*/false);
  z.add("later.txt", "later\n");
  std::string zip = z.finish();
  ASSERT_NE(zip.find("PK\x07\x08"), std::string::npos);
  auto w = walk(layer_with("lib/stored.zip", zip));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  ASSERT_NE(w->visitor.find("lib/stored.zip!/stored.txt", 1), nullptr);
  EXPECT_EQ(w->visitor.find("lib/stored.zip!/stored.txt", 1)->data, "stored bytes\n");
  ASSERT_NE(w->visitor.find("lib/stored.zip!/later.txt", 1), nullptr);
  EXPECT_EQ(w->visitor.find("lib/stored.zip!/later.txt", 1)->data, "later\n");
}

TEST(NestedArchive, EncryptedEntryIsRecordedAndLaterEntriesAreRead) {
  // libarchive encrypts a whole archive or nothing: splice the local entries of an encrypted
  // zip (its central directory cut off) before a plain one; a streaming reader reads both.
  ZipWriter locked(/*encrypted=*/true);
  locked.add("locked.txt", "locked content\n", ZipWriter::Method::kStore);
  std::string first = locked.finish();
  first.resize(first.rfind("PK\x01\x02"));
  ZipWriter open;
  open.add("open.txt", "open content\n", ZipWriter::Method::kStore);
  auto w = walk(layer_with("lib/mixed.zip", first + open.finish()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "lib/mixed.zip!/locked.txt: nested zip: ", ""))
      << skipped_list(*w->stats);
  ASSERT_NE(w->visitor.find("lib/mixed.zip!/open.txt", 1), nullptr);
  EXPECT_EQ(w->visitor.find("lib/mixed.zip!/open.txt", 1)->data, "open content\n");
  EXPECT_EQ(w->visitor.all_protocol_errors(), 0);
}

TEST(NestedArchive, CorruptZipIsRecordedAndTheWalkGoesOn) {
  std::string jar = spring_jar();
  // Garble the deflated data of application.properties (after its local header).
  const std::string name = "BOOT-INF/classes/application.properties";
  size_t at = jar.find(name);
  ASSERT_NE(at, std::string::npos);
  size_t extra = static_cast<unsigned char>(jar[at - 2]) |
                 static_cast<size_t>(static_cast<unsigned char>(jar[at - 1])) << 8;
  size_t data = at + name.size() + extra;
  for (size_t i = data; i < data + 20; ++i) jar[i] = static_cast<char>(0x5a ^ (i * 7));
  std::string blob = layer_with("app/broken.jar", jar);
  auto w = walk(blob);
  auto plain = walk(blob, {}, /*offer_nested=*/false);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  ASSERT_TRUE(plain->stats);
  EXPECT_TRUE(has_skip(*w->stats, "app/broken.jar: nested zip: ", "")) << skipped_list(*w->stats);
  const auto* outer = w->visitor.find("app/broken.jar", 0);
  ASSERT_NE(outer, nullptr);
  EXPECT_TRUE(outer->data == jar);
  EXPECT_EQ(w->changes.entries.at("app/broken.jar").content_hash,
            plain->changes.entries.at("app/broken.jar").content_hash);
  EXPECT_EQ(w->visitor.find("after.txt", 0)->data, "after\n");
  EXPECT_EQ(w->visitor.all_protocol_errors(), 0);
}

TEST(NestedArchive, TruncatedJarIsRecordedAndItsBytesStillVisited) {
  ZipWriter z;
  z.add("a.properties", properties()).add("b.bin", pseudo_random_bytes(100000, 3));
  std::string jar = z.finish();
  jar.resize(jar.size() / 2);
  auto w = walk(layer_with("app/cut.jar", jar));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "app/cut.jar: nested zip: ", "")) << skipped_list(*w->stats);
  EXPECT_EQ(w->visitor.find("app/cut.jar!/a.properties", 1)->data, properties());
  EXPECT_TRUE(w->visitor.find("app/cut.jar", 0)->data == jar);
  EXPECT_EQ(w->visitor.all_protocol_errors(), 0);
}

TEST(NestedArchive, GarbageNamedJarIsRecorded) {
  auto w = walk(layer_with("app/fake.jar", pseudo_random_bytes(5000, 4)));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "app/fake.jar: nested zip: ", "")) << skipped_list(*w->stats);
  EXPECT_EQ(w->visitor.find("app/fake.jar", 0)->bytes, 5000u);
}

std::string zips_nested(int levels, const std::string& leaf) {
  // l<levels-1>.zip holds leaf.txt; each l<i>.zip holds l<i+1>.zip.
  std::string inner;
  {
    ZipWriter z;
    z.add("leaf.txt", leaf);
    inner = z.finish();
  }
  for (int i = levels - 2; i >= 0; --i) {
    ZipWriter z;
    z.add("l" + std::to_string(i + 1) + ".zip", inner);
    z.add("at" + std::to_string(i) + ".txt", "level " + std::to_string(i) + "\n");
    inner = z.finish();
  }
  return inner;
}

TEST(NestedArchive, DepthLimitRecordsTheArchiveItDidNotOpen) {
  ScanLimits limits;
  limits.max_nesting_depth = 3;
  auto w = walk(layer_with("l0.zip", zips_nested(4, "deep leaf\n")), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_NE(w->visitor.find("l0.zip!/l1.zip!/l2.zip!/at2.txt", 3), nullptr);
  const auto* l3 = w->visitor.find("l0.zip!/l1.zip!/l2.zip!/l3.zip", 3);
  ASSERT_NE(l3, nullptr);  // still visited as a file, just not opened
  EXPECT_EQ(w->visitor.at(4), nullptr);
  EXPECT_TRUE(has_skip(*w->stats, "l0.zip!/l1.zip!/l2.zip!/l3.zip: ", "max_nesting_depth (3)"))
      << skipped_list(*w->stats);
  EXPECT_EQ(w->stats->nested_archives, 3u);
}

TEST(NestedArchive, DepthFourIsReachedWhenTheLimitAllowsIt) {
  ScanLimits limits;
  limits.max_nesting_depth = 4;
  auto w = walk(layer_with("l0.zip", zips_nested(4, "deep leaf\n")), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  const auto* leaf = w->visitor.find("l0.zip!/l1.zip!/l2.zip!/l3.zip!/leaf.txt", 4);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->data, "deep leaf\n");
  EXPECT_TRUE(w->stats->skipped.empty()) << skipped_list(*w->stats);
}

TEST(NestedArchive, DepthZeroTurnsNestingOff) {
  ScanLimits limits;
  limits.max_nesting_depth = 0;
  auto w = walk(layer_with("app/app.jar", spring_jar()), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_EQ(w->visitor.child, nullptr);
  EXPECT_TRUE(w->stats->skipped.empty()) << skipped_list(*w->stats);
  EXPECT_EQ(w->stats->nested_archives, 0u);
}

TEST(NestedArchive, EmptyArchiveFilesAreNotComplainedAbout) {
  TarWriter t;
  t.add_file("a.jar", "").add_file("b.tar.gz", "").add_file("c.gz", "");
  auto w = walk(t.finish());
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(w->stats->skipped.empty()) << skipped_list(*w->stats);
  EXPECT_EQ(w->visitor.seen.size(), 3u);
}

TEST(NestedArchive, ADeclinedArchiveFileIsNotOpened) {
  auto w = std::make_unique<Walk>(true);
  w->visitor.decline = "app/app.jar";
  w->stats = walk_layer(memory_stream(layer_with("app/app.jar", spring_jar())), w->visitor,
                        w->changes, {});
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_EQ(w->visitor.asked, 0);
  EXPECT_EQ(w->visitor.child, nullptr);
  EXPECT_EQ(w->stats->nested_archives, 0u);
  EXPECT_NE(w->changes.entries.at("app/app.jar").content_hash, 0u);
}

TEST(NestedArchive, AVisitorWithoutNestedVisitorOpensNothing) {
  test::RecordingVisitor v;
  LayerChanges changes;
  auto stats = walk_layer(memory_stream(layer_with("app/app.jar", spring_jar())), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(v.seen.size(), 2u);
  EXPECT_EQ(stats->nested_archives, 0u);
  EXPECT_TRUE(stats->skipped.empty());
}

// 200 MiB of zeros deflated (built once: that takes a while).
const std::string& zip_bomb() {
  static const std::string bomb = [] {
    ZipWriter z;
    z.add_repeated("zeros.bin", '\0', 200ull << 20);
    z.add("after-bomb.txt", "never reached\n");
    return z.finish();
  }();
  return bomb;
}

TEST(NestedArchive, MaxNestedBytesStopsABombAndSaysSo) {
  const std::string& bomb = zip_bomb();
  ASSERT_LT(bomb.size(), 1u << 20);
  ScanLimits limits;
  limits.max_nested_bytes = 4 << 20;
  auto w = walk(layer_with("bomb.zip", bomb), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "bomb.zip: nested zip: ", "max_nested_bytes"))
      << skipped_list(*w->stats);
  const auto* zeros = w->visitor.find("bomb.zip!/zeros.bin", 1);
  ASSERT_NE(zeros, nullptr);
  EXPECT_LE(zeros->bytes, 4u << 20);
  EXPECT_TRUE(zeros->ended);
  EXPECT_EQ(w->visitor.find("bomb.zip!/after-bomb.txt", 1), nullptr);
  EXPECT_TRUE(w->visitor.find("bomb.zip", 0)->data == bomb);
  EXPECT_EQ(w->visitor.find("after.txt", 0)->data, "after\n");
}

TEST(NestedArchive, ExpansionRatioStopsABombAndSaysSo) {
  const std::string& bomb = zip_bomb();
  ScanLimits limits;
  limits.max_expansion_ratio = 100;
  auto w = walk(layer_with("bomb.zip", bomb), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_TRUE(has_skip(*w->stats, "bomb.zip: nested zip: ", "max_expansion_ratio"))
      << skipped_list(*w->stats);
  EXPECT_LT(w->visitor.find("bomb.zip!/zeros.bin", 1)->bytes, 200ull << 20);
}

TEST(NestedArchive, MaxNestedEntriesStopsAndSaysSo) {
  ZipWriter z;
  for (int i = 0; i < 10; ++i) z.add("f" + std::to_string(i), "x");
  ScanLimits limits;
  limits.max_nested_entries = 3;
  auto w = walk(layer_with("many.zip", z.finish()), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_EQ(w->visitor.at(1)->seen.size(), 3u);
  EXPECT_TRUE(has_skip(*w->stats, "many.zip: nested zip: ", "max_nested_entries (3)"))
      << skipped_list(*w->stats);
}

TEST(NestedArchive, MaxFileBytesAppliesToNestedFiles) {
  ZipWriter z;
  z.add("big.txt", std::string(5000, 'b'));
  ScanLimits limits;
  limits.max_file_bytes = 1000;
  auto w = walk(layer_with("big.zip", z.finish()), limits);
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_EQ(w->visitor.find("big.zip!/big.txt", 1)->data, std::string(1000, 'b'));
  EXPECT_TRUE(has_skip(*w->stats, "big.zip!/big.txt: ", "max_file_bytes"))
      << skipped_list(*w->stats);
}

TEST(NestedArchive, WhiteoutNamesInsideAnArchiveAreOrdinaryFiles) {
  TarWriter inner;
  inner.add_whiteout("etc/secret").add_opaque("var");
  auto w = walk(layer_with("x.tar", inner.finish()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_NE(w->visitor.find("x.tar!/etc/.wh.secret", 1), nullptr);
  EXPECT_NE(w->visitor.find("x.tar!/var/.wh..wh..opq", 1), nullptr);
  EXPECT_TRUE(w->changes.whiteouts.empty());
  EXPECT_TRUE(w->changes.opaque_dirs.empty());
}

TEST(NestedArchive, SuffixesAreCaseInsensitive) {
  auto w = walk(layer_with("APP/Service.JAR", spring_jar()));
  ASSERT_TRUE(w->stats) << w->stats.error().message;
  EXPECT_NE(w->visitor.find("APP/Service.JAR!/BOOT-INF/classes/application.properties", 1),
            nullptr);
}

TEST(NestedArchive, SmallReadsFromTheBlobGiveTheSameResult) {
  std::string jar = spring_jar();
  TarWriter t;
  t.add_file("app/app.jar", jar).add_file("after.txt", "after\n");
  TreeVisitor v;
  LayerChanges changes;
  auto stats =
      walk_layer(std::make_unique<test::ChunkedStream>(t.finish(), 7), v, changes, ScanLimits{});
  ASSERT_TRUE(stats) << stats.error().message;
  const auto* e = v.find("app/app.jar!/BOOT-INF/classes/application.properties", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, properties());
  EXPECT_TRUE(v.find("app/app.jar", 0)->data == jar);
}

TEST(NestedArchive, LayerTruncatedInsideAJarFailsTheWalkAndEndsNestedEntries) {
  ZipWriter z;
  z.add("a.properties", properties());
  z.add("big.bin", pseudo_random_bytes(2 << 20, 8), ZipWriter::Method::kStore);
  TarWriter t;
  t.add_file("app/app.jar", z.finish());
  std::string tar = t.finish();
  auto w = walk(tar.substr(0, tar.size() / 2));
  ASSERT_FALSE(w->stats);
  EXPECT_TRUE(w->stats.error().message.starts_with("entry app/app.jar: tar: "))
      << w->stats.error().message;
  ASSERT_NE(w->visitor.find("app/app.jar!/a.properties", 1), nullptr);
  EXPECT_EQ(w->visitor.find("app/app.jar!/a.properties", 1)->data, properties());
  ASSERT_NE(w->visitor.at(1), nullptr);
  for (const auto& e : w->visitor.at(1)->seen) EXPECT_TRUE(e.ended) << e.info.path;
}

TEST(NestedArchive, DirectoryWalkOpensArchivesToo) {
  test::TempDir dir;
  test::write_file(dir.path() + "/app.jar", spring_jar());
  TreeVisitor v;
  LayerChanges changes;
  auto stats = walk_directory(dir.path(), v, changes, {});
  ASSERT_TRUE(stats) << stats.error().message;
  const auto* e = v.find("app.jar!/BOOT-INF/classes/application.properties", 1);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->data, properties());
  EXPECT_EQ(changes.entries.count("app.jar!/BOOT-INF/classes/application.properties"), 0u);
}

}  // namespace
}  // namespace strata
