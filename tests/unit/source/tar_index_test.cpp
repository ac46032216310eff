// TarIndex: members of a tar file by name, read with the shared tar header parser. The cases
// where the index and the layer walker's reader used to disagree, each with the rule both now
// follow.
#include "tar_index.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/test_env.hpp"
#include "support/ustar_header.hpp"

namespace strata {
namespace {

using test::pax_record;
using test::tar_extension;
using test::tar_padded;
using test::ustar_header;

const std::string kEnd(1024, '\0');

Result<TarIndex> index_of(const std::string& tar) {
  static int n = 0;
  static test::TempDir dir;
  std::string path = dir.path() + "/" + std::to_string(++n) + ".tar";
  test::write_file(path, tar);
  return TarIndex::build(path);
}

std::string read_member(const std::string& tar, const TarMember& m) {
  return tar.substr(static_cast<size_t>(m.offset), static_cast<size_t>(m.size));
}

TEST(TarIndex, FindsMembersWithLongNamesAndPaxSizes) {
  std::string long_name(150, 'n');
  std::string tar = tar_extension('L', long_name + '\0') + ustar_header("short", '0', 5) +
                    tar_padded("hello") +
                    tar_extension('x', pax_record("path", "pax/name") + pax_record("size", "2")) +
                    ustar_header("ignored", '0', 0) + tar_padded("hi") + kEnd;
  auto index = index_of(tar);
  ASSERT_TRUE(index) << index.error().message;
  const TarMember* gnu = index->find(long_name);
  ASSERT_NE(gnu, nullptr);
  EXPECT_EQ(read_member(tar, *gnu), "hello");
  const TarMember* pax = index->find("pax/name");
  ASSERT_NE(pax, nullptr);
  EXPECT_EQ(read_member(tar, *pax), "hi");
  EXPECT_EQ(index->find("short"), nullptr);
}

// A pax size is the entry's, not that of a GNU long-name header between the two (the index used
// to apply it to the 'L' header as well, cutting the name to the size).
TEST(TarIndex, PaxSizeAppliesToTheEntryOnly) {
  std::string tar = tar_extension('x', pax_record("size", "5")) +
                    tar_extension('L', std::string("a-long-name") + '\0') +
                    ustar_header("x", '0', 0) + tar_padded("hello") + kEnd;
  auto index = index_of(tar);
  ASSERT_TRUE(index) << index.error().message;
  const TarMember* m = index->find("a-long-name");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(read_member(tar, *m), "hello");
}

// An empty pax path deletes the record: the header's name applies (the index used to index the
// member under an empty name).
TEST(TarIndex, EmptyPaxPathFallsBackToTheHeaderName) {
  std::string tar = tar_extension('x', pax_record("path", "")) + ustar_header("real", '0', 2) +
                    tar_padded("ok") + kEnd;
  auto index = index_of(tar);
  ASSERT_TRUE(index) << index.error().message;
  ASSERT_NE(index->find("real"), nullptr);
}

// The reader took these to libarchive; the index kept the records before the malformed one, or
// served a sparse map as data, or ignored extended headers with no member after them.
TEST(TarIndex, OddExtendedHeadersAreErrors) {
  std::string member = ustar_header("m", '0', 0);
  struct Case {
    std::string tar, error;
  } cases[] = {
      {tar_extension('x', "7 abc\n") + member + kEnd,
       "tar header at byte 1024: malformed pax extended header"},
      {tar_extension('x', pax_record("GNU.sparse.major", "1")) + member + kEnd,
       "tar header at byte 1024: sparse member (not supported in an image archive)"},
      {member + tar_extension('x', pax_record("path", "p")) + kEnd,
       "tar header at byte 1536: extended header without a member after it"},
      {member + tar_extension('L', "name"),
       "tar header at byte 1536: extended header without a member after it"},
      {member + ustar_header("g", 'g', 2 << 20) + kEnd,
       "tar header at byte 512: extended header too large or truncated"},
  };
  for (const auto& c : cases) {
    auto index = index_of(c.tar);
    ASSERT_FALSE(index) << c.error;
    EXPECT_EQ(index.error().message, c.error);
  }
}

TEST(TarIndex, AtMost32ExtendedHeadersBeforeAMember) {
  std::string headers;
  for (int i = 0; i < kMaxTarExtensionHeaders; ++i) {
    headers += tar_extension('x', pax_record("path", "p" + std::to_string(i)));
  }
  auto index = index_of(headers + ustar_header("m", '0', 0) + kEnd);
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_NE(index->find("p31"), nullptr);
  index = index_of(tar_extension('x', pax_record("path", "p")) + headers +
                   ustar_header("m", '0', 0) + kEnd);
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().message,
            "tar header at byte 32768: more than 32 extended headers before one member");
}

// The reader took tabs before a number's digits and any byte after them; now neither does.
TEST(TarIndex, SizeWithOtherBytesAfterTheDigitsIsAnError) {
  std::string bad = ustar_header("m", '0', 2);
  bad[135] = 'x';
  test::seal_tar_header(bad);
  auto index = index_of(ustar_header("a", '0', 0) + bad + tar_padded("hi") + kEnd);
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().message, "tar header at byte 512: invalid size");
}

// As the layer walker reads it, a file whose name ends in '/' is a directory, not a file.
TEST(TarIndex, NameEndingInASlashIsADirectory) {
  auto index = index_of(ustar_header("dir/", '0', 0) + ustar_header("file", '0', 0) + kEnd);
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->find("dir"), nullptr);
  EXPECT_NE(index->find("file"), nullptr);
}

}  // namespace
}  // namespace strata
