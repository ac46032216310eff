// TarReader against libarchive: tars written by GNU tar in every format it writes (with real
// Debian files and the odd entries: long names and link targets, ustar prefixes, hardlinks, a
// fifo, non-ASCII names, sizes around the 512-byte blocks) must walk exactly as they do through
// libarchive. The libarchive walk is forced by putting an entry TarReader does not take on (an
// unknown type) first, so the same walker hands the whole stream over. Then the reader's own
// cases: hand-over bytes, damaged and truncated headers, signed checksums, base-256 sizes.
#include "tar_reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "recording_visitor.hpp"
#include "strata/extract/layer_walker.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::seal_tar_header;
using test::tar_padded;
using test::ustar_header;

// A BlockSource over a string, `piece` bytes at a time.
class PieceBlocks final : public BlockSource {
 public:
  PieceBlocks(std::string data, size_t piece) : data_(std::move(data)), piece_(piece) {}
  Result<std::string_view> next() override {
    size_t n = std::min(piece_, data_.size() - pos_);
    std::string_view v(data_.data() + pos_, n);
    pos_ += n;
    return v;
  }

 private:
  std::string data_;
  size_t piece_;
  size_t pos_ = 0;
};

// Every entry a walk visited, comparable.
using Seen = std::tuple<std::string, EntryType, int64_t, std::string, std::string, bool>;

struct Walked {
  std::vector<Seen> entries;
  std::string error;  // empty if the walk succeeded
};

Walked walk_tar(const std::string& tar, size_t piece) {
  test::RecordingVisitor visitor;
  LayerChanges changes;
  auto stats =
      walk_layer(std::make_unique<test::ChunkedStream>(tar, piece), visitor, changes, ScanLimits{});
  Walked w;
  for (const auto& e : visitor.seen) {
    w.entries.emplace_back(e.info.path, e.info.type, e.info.size, e.info.link_target, e.data,
                           e.ended);
  }
  if (!stats) w.error = stats.error().message;
  return w;
}

// The same tar with an entry of an unknown type first: TarReader hands the whole stream over.
Walked walk_through_libarchive(const std::string& tar) {
  Walked w = walk_tar(ustar_header("zz-handover", 'Z', 0) + tar, 1 << 20);
  EXPECT_FALSE(w.entries.empty());
  if (!w.entries.empty()) {
    EXPECT_EQ(std::get<0>(w.entries.front()), "zz-handover");
    w.entries.erase(w.entries.begin());
  }
  return w;
}

// Fits ustar's prefix and name fields only when split between them (as do its directories).
std::string split_name_path(const std::string& app) {
  return app + "/" + std::string(60, 'q') + "/" + std::string(60, 'p') + "/" +
         std::string(90, 'n') + ".txt";
}

// A tree with the entries that stretch a tar reader, next to real Debian files.
std::string make_tree(const std::string& root) {
  std::string app = root + "/app";
  test::write_file(app + "/empty.txt", "");
  for (size_t n : {511, 512, 513, 300000}) {
    test::write_file(app + "/size-" + std::to_string(n), test::pseudo_random_bytes(n, n));
  }
  test::write_file(app + "/caf\xc3\xa9.txt", "non-ASCII name\n");
  test::write_file(split_name_path(app), "split name\n");
  // Fits no ustar field: GNU long names or pax records only.
  test::write_file(app + "/" + std::string(200, 'l') + "/" + std::string(120, 'o') + ".txt",
                   "long name\n");
  std::filesystem::create_directories(app + "/empty-dir");
  std::filesystem::create_symlink(std::string(150, 't') + "/target", app + "/long-link");
  std::filesystem::create_symlink("size-511", app + "/short-link");
  std::filesystem::create_hard_link(app + "/size-513", app + "/hard-513");
  EXPECT_EQ(mkfifo((app + "/pipe").c_str(), 0644), 0);
  return root;
}

std::string gnu_tar(const std::string& root, const std::string& format,
                    const std::string& extra = "") {
  std::string out = root + "/" + format + ".tar";
  // GNU tar still writes the archive when an entry does not fit the format (exit status 2).
  std::string cmd = "tar --format=" + format + " " + extra + " -cf " + out + " -C " + root +
                    " app -C /usr/share perl5 common-licenses 2>/dev/null";
  (void)std::system(cmd.c_str());
  return test::read_file(out);
}

const Seen* find(const Walked& w, const std::string& path) {
  for (const auto& e : w.entries) {
    if (std::get<0>(e) == path) return &e;
  }
  return nullptr;
}

class TarFormatTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TarFormatTest, WalksAsLibarchiveDoes) {
  test::TempDir dir;
  std::string tar = gnu_tar(make_tree(dir.path()), GetParam());
  ASSERT_GT(tar.size(), 1u << 20);

  Walked ours = walk_tar(tar, 1 << 20);
  Walked theirs = walk_through_libarchive(tar);
  EXPECT_EQ(ours.error, "");
  EXPECT_EQ(theirs.error, "");
  EXPECT_GT(ours.entries.size(), 100u);  // the real files are in
  EXPECT_EQ(ours.entries, theirs.entries);

  // TarReader took every entry itself (else the comparison above would prove nothing).
  PieceBlocks blocks(tar, 1 << 20);
  TarReader reader(blocks);
  size_t taken = 0;
  for (TarEntry entry;; ++taken) {
    auto next = reader.next(entry);
    ASSERT_TRUE(next) << next.error().message;
    ASSERT_NE(*next, TarReader::Next::kHandOver) << "after " << taken << " entries";
    if (*next == TarReader::Next::kEnd) break;
  }
  EXPECT_EQ(taken, ours.entries.size());

  // Blocks that cut headers and data anywhere change nothing.
  EXPECT_EQ(walk_tar(tar, 4093).entries, ours.entries);

  // The odd entries came through (v7 has no fifos and no long names; ustar no long names).
  // Whichever of the two names tar met second is the hardlink.
  const Seen* hard = find(ours, "app/hard-513");
  const Seen* file = find(ours, "app/size-513");
  ASSERT_TRUE(hard && file);
  if (std::get<1>(*hard) != EntryType::kHardlink) std::swap(hard, file);
  EXPECT_EQ(std::get<1>(*hard), EntryType::kHardlink);
  EXPECT_EQ(std::get<3>(*hard), std::get<0>(*file));
  EXPECT_EQ(std::get<4>(*file), test::pseudo_random_bytes(513, 513));
  const Seen* big = find(ours, "app/size-300000");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(std::get<4>(*big), test::pseudo_random_bytes(300000, 300000));
  if (std::string(GetParam()) != "v7") {
    const Seen* pipe = find(ours, "app/pipe");
    ASSERT_NE(pipe, nullptr);
    EXPECT_EQ(std::get<1>(*pipe), EntryType::kOther);
    EXPECT_NE(find(ours, split_name_path("app")), nullptr);
  }
  if (std::string(GetParam()) != "v7" && std::string(GetParam()) != "ustar") {
    EXPECT_NE(find(ours, "app/" + std::string(200, 'l') + "/" + std::string(120, 'o') + ".txt"),
              nullptr);
    const Seen* link = find(ours, "app/long-link");
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(std::get<3>(*link), std::string(150, 't') + "/target");
  }
}

INSTANTIATE_TEST_SUITE_P(GnuTar, TarFormatTest,
                         ::testing::Values("gnu", "oldgnu", "posix", "ustar", "v7"));

// Sparse files are libarchive's: the walk hands over at the sparse entry and the file's data
// comes out whole, holes as zeros.
TEST(TarReader, SparseFilesGoToLibarchive) {
  for (const char* format : {"gnu", "posix"}) {
    test::TempDir dir;
    make_tree(dir.path());
    std::string sparse = dir.path() + "/app/sparse.bin";
    std::string content(3 << 20, '\0');
    content.replace(2 << 20, 11, "end of hole");
    test::write_file(sparse, "");
    ASSERT_EQ(truncate(sparse.c_str(), 3 << 20), 0);
    {
      FILE* f = std::fopen(sparse.c_str(), "r+");
      ASSERT_NE(f, nullptr);
      std::fseek(f, 2 << 20, SEEK_SET);
      std::fwrite("end of hole", 1, 11, f);
      std::fclose(f);
    }
    std::string tar = gnu_tar(dir.path(), format, "--sparse");
    Walked ours = walk_tar(tar, 1 << 20);
    EXPECT_EQ(ours.error, "") << format;
    EXPECT_EQ(ours.entries, walk_through_libarchive(tar).entries) << format;
    const Seen* s = find(ours, "app/sparse.bin");
    ASSERT_NE(s, nullptr) << format;
    EXPECT_EQ(std::get<4>(*s).size(), content.size()) << format;
    EXPECT_EQ(std::get<4>(*s), content) << format;
  }
}

// Global pax records ('g' headers): a comment, as `git archive` writes, and a path, which
// libarchive does not apply to the entries after it (POSIX says it should; libarchive is what
// strata followed before, so it is what TarReader follows).
TEST(TarReader, GlobalPaxRecordsWalkAsThroughLibarchive) {
  test::TempDir dir;
  std::string tar =
      gnu_tar(make_tree(dir.path()), "posix", "--pax-option=comment=hello,path=renamed");
  Walked ours = walk_tar(tar, 1 << 20);
  EXPECT_EQ(ours.error, "");
  EXPECT_EQ(ours.entries, walk_through_libarchive(tar).entries);
  EXPECT_NE(find(ours, "app/size-511"), nullptr);
}

TEST(TarReader, HandsOverFromTheFirstHeaderOfTheEntry) {
  std::string first = ustar_header("a.txt", '0', 3) + tar_padded("abc");
  std::string pax_body = "7 abc\n";  // a record whose length is wrong
  std::string second = ustar_header("PaxHeader", 'x', pax_body.size()) + tar_padded(pax_body) +
                       ustar_header("b.txt", '0', 2) + tar_padded("hi") + std::string(1024, '\0');
  for (size_t piece : {1, 100, 512, 100000}) {
    PieceBlocks blocks(first + second, piece);
    TarReader reader(blocks);
    TarEntry entry;
    auto next = reader.next(entry);
    ASSERT_TRUE(next && *next == TarReader::Next::kEntry);
    EXPECT_EQ(entry.path, "a.txt");
    next = reader.next(entry);  // the data of a.txt is skipped unread
    ASSERT_TRUE(next);
    ASSERT_EQ(*next, TarReader::Next::kHandOver) << piece;
    std::string rest;
    for (;;) {
      auto block = reader.rest().next();
      ASSERT_TRUE(block);
      if (block->empty()) break;
      rest.append(*block);
    }
    EXPECT_EQ(rest, second) << piece;
  }
}

TEST(TarReader, DamagedHeaderIsAnErrorAfterTheEntriesBefore) {
  std::string bad = ustar_header("b.txt", '0', 2);
  bad[0] = 'c';  // the checksum no longer matches
  std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + bad + tar_padded("hi");
  Walked w = walk_tar(tar, 1 << 20);
  ASSERT_EQ(w.entries.size(), 1u);
  EXPECT_EQ(w.error, "after entry a.txt: tar: damaged tar header (checksum mismatch)");
}

TEST(TarReader, TruncatedHeaderIsAnError) {
  std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + ustar_header("b", '0', 0);
  Walked w = walk_tar(tar.substr(0, tar.size() - 100), 1 << 20);
  ASSERT_EQ(w.entries.size(), 1u);
  EXPECT_EQ(w.error, "after entry a.txt: tar: truncated tar archive (header cut short)");
}

TEST(TarReader, EndsWithoutEndOfArchiveBlocks) {
  std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + ustar_header("b", '5', 0);
  Walked w = walk_tar(tar, 1 << 20);
  EXPECT_EQ(w.error, "");
  ASSERT_EQ(w.entries.size(), 2u);
  EXPECT_EQ(std::get<1>(w.entries[1]), EntryType::kDirectory);
}

// The reader used to take any byte after a number's octal digits, and tabs before them, as the
// index did not; the shared parser takes the stricter rule (digits end at a NUL or a space).
TEST(TarReader, SizeFieldWithOtherBytesAfterTheDigitsIsAnError) {
  std::string bad = ustar_header("b.txt", '0', 2);
  bad[135] = 'x';
  seal_tar_header(bad);
  std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + bad + tar_padded("hi");
  Walked w = walk_tar(tar, 1 << 20);
  ASSERT_EQ(w.entries.size(), 1u);
  EXPECT_EQ(w.error, "after entry a.txt: tar: damaged tar header (size field)");
}

TEST(TarReader, ChecksumWithATabBeforeTheDigitsIsAnError) {
  std::string bad = ustar_header("b.txt", '0', 2);
  unsigned sum = 0;
  std::memset(bad.data() + 148, ' ', 8);
  for (unsigned char c : bad) sum += c;
  std::snprintf(bad.data() + 148, 8, "\t%05o", sum);  // the sum counts the field as blanks
  std::string tar = ustar_header("a.txt", '0', 3) + tar_padded("abc") + bad + tar_padded("hi");
  Walked w = walk_tar(tar, 1 << 20);
  ASSERT_EQ(w.entries.size(), 1u);
  EXPECT_EQ(w.error, "after entry a.txt: tar: damaged tar header (checksum mismatch)");
}

// Old writers summed the header as signed chars; base-256 sizes come from GNU tar and Go.
TEST(TarReader, ReadsSignedChecksumsAndBase256Sizes) {
  std::string h = ustar_header("caf\xc3\xa9", '0', 0);
  std::memset(h.data() + 124, 0, 12);
  h[124] = static_cast<char>(0x80);
  h[135] = 5;  // base-256: 5 bytes
  std::memset(h.data() + 148, ' ', 8);
  int sum = 0;
  for (char c : h) sum += static_cast<signed char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  PieceBlocks blocks(h + tar_padded("hello") + std::string(1024, '\0'), 1 << 20);
  TarReader reader(blocks);
  TarEntry entry;
  auto next = reader.next(entry);
  ASSERT_TRUE(next) << next.error().message;
  ASSERT_EQ(*next, TarReader::Next::kEntry);
  EXPECT_EQ(entry.path, "caf\xc3\xa9");
  EXPECT_EQ(entry.size, 5u);
  auto data = reader.data().next();
  ASSERT_TRUE(data);
  EXPECT_EQ(*data, "hello");
  next = reader.next(entry);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, TarReader::Next::kEnd);
}

}  // namespace
}  // namespace strata
