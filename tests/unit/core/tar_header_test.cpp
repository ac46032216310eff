// The shared tar header parser: header fields, numbers, checksums, and what extended headers say
// about the entry after them. The cases where the docker-archive index and the layer walker's
// reader used to disagree are marked; the parser takes the stricter rule.
#include "strata/core/tar_header.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "support/ustar_header.hpp"

namespace strata {
namespace {

using test::pax_record;
using test::seal_tar_header;
using test::ustar_header;

std::optional<uint64_t> number(std::string field) { return parse_tar_number(field); }

TEST(TarHeader, ReadsUstarFields) {
  std::string h = ustar_header("name.txt", '2', 0);
  std::memcpy(h.data() + 157, "target", 6);
  std::memcpy(h.data() + 345, "some/prefix", 11);
  seal_tar_header(h);
  TarHeader out;
  ASSERT_EQ(parse_tar_header(h.data(), out), TarBlock::kHeader);
  EXPECT_EQ(out.type, '2');
  EXPECT_EQ(out.name, "name.txt");
  EXPECT_EQ(out.link, "target");
  EXPECT_EQ(out.prefix, "some/prefix");
  TarExtensions none;
  std::string path;
  none.entry_path(out, path);
  EXPECT_EQ(path, "some/prefix/name.txt");
}

TEST(TarHeader, FieldsFillingTheirWholeWidthHaveNoTerminator) {
  std::string name(100, 'n'), prefix(155, 'p');
  std::string h = ustar_header(name, '0', 0);
  std::memcpy(h.data() + 345, prefix.data(), prefix.size());
  seal_tar_header(h);
  TarHeader out;
  ASSERT_EQ(parse_tar_header(h.data(), out), TarBlock::kHeader);
  EXPECT_EQ(out.name, name);
  EXPECT_EQ(out.prefix, prefix);
}

TEST(TarHeader, GnuHeadersHaveNoPrefix) {
  std::string h = ustar_header("name", '0', 0);
  std::memcpy(h.data() + 257, "ustar  \0", 8);  // GNU magic: atime/ctime live there
  std::memcpy(h.data() + 345, "12345670123", 11);
  seal_tar_header(h);
  TarHeader out;
  ASSERT_EQ(parse_tar_header(h.data(), out), TarBlock::kHeader);
  EXPECT_EQ(out.prefix, "");
}

TEST(TarHeader, OctalNumbers) {
  EXPECT_EQ(number("00000000017"), 15u);
  EXPECT_EQ(number(std::string("0000017\0", 8)), 15u);
  EXPECT_EQ(number("   17 "), 15u);
  EXPECT_EQ(number(std::string(12, '\0')), 0u);
  EXPECT_EQ(number("77777777777"), 077777777777u);
}

// The layer walker's reader took tabs before the digits and any byte after them; the index did
// not. Stricter wins: only spaces before, and a NUL or space after.
TEST(TarHeader, OctalNumbersEndAtANulOrSpace) {
  EXPECT_FALSE(number("0000017x"));
  EXPECT_FALSE(number("17-"));
  EXPECT_FALSE(number("\t17"));
  EXPECT_FALSE(number("8"));
}

TEST(TarHeader, Base256Numbers) {
  std::string field(12, '\0');
  field[0] = static_cast<char>(0x80);
  field[10] = 1;
  field[11] = 2;
  EXPECT_EQ(number(field), 258u);
  field[0] = static_cast<char>(0xff);  // negative
  EXPECT_FALSE(number(field));
  std::string huge(12, '\xff');
  huge[0] = static_cast<char>(0x80);
  EXPECT_FALSE(number(huge));  // past int64_t
  std::string largest(12, '\0');
  largest[0] = static_cast<char>(0x80);
  largest[4] = 0x7f;
  std::memset(largest.data() + 5, 0xff, 7);
  EXPECT_EQ(number(largest), uint64_t{INT64_MAX});
}

TEST(TarHeader, ChecksumsSignedOrUnsigned) {
  std::string h = ustar_header("caf\xc3\xa9", '0', 0);
  EXPECT_TRUE(tar_checksum_matches(h.data()));
  int sum = 0;
  std::memset(h.data() + 148, ' ', 8);
  for (char c : h) sum += static_cast<signed char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  EXPECT_TRUE(tar_checksum_matches(h.data()));
  std::snprintf(h.data() + 148, 8, "%06o", sum + 1);
  EXPECT_FALSE(tar_checksum_matches(h.data()));
}

TEST(TarHeader, DamagedBlocks) {
  TarHeader out;
  std::string zero(512, '\0');
  EXPECT_EQ(parse_tar_header(zero.data(), out), TarBlock::kZero);
  std::string h = ustar_header("a", '0', 3);
  h[0] = 'b';
  EXPECT_EQ(parse_tar_header(h.data(), out), TarBlock::kBadChecksum);
  h = ustar_header("a", '0', 3);
  h[135] = 'x';  // after the size's digits
  seal_tar_header(h);
  EXPECT_EQ(parse_tar_header(h.data(), out), TarBlock::kBadSize);
}

TarHeader plain(const std::string& block) {
  TarHeader out;
  EXPECT_EQ(parse_tar_header(block.data(), out), TarBlock::kHeader);
  return out;
}

struct Resolved {
  std::string path, link;
  uint64_t size;
};

Resolved resolve(const TarExtensions& ext, const TarHeader& h) {
  Resolved r;
  ext.entry_path(h, r.path);
  ext.entry_link(h, r.link);
  r.size = ext.entry_size(h);
  return r;
}

TEST(TarExtensions, PaxThenGnuThenHeader) {
  std::string block = ustar_header("short", '1', 7);
  std::memcpy(block.data() + 157, "short-link", 10);
  seal_tar_header(block);
  TarHeader h = plain(block);
  TarExtensions ext;
  EXPECT_EQ(resolve(ext, h).path, "short");
  ext.add('L', std::string("gnu-long-name\0junk", 18));
  ext.add('K', "gnu-long-link");
  Resolved gnu = resolve(ext, h);
  EXPECT_EQ(gnu.path, "gnu-long-name");
  EXPECT_EQ(gnu.link, "gnu-long-link");
  ext.add('x', pax_record("path", "pax/path") + pax_record("linkpath", "pax/link") +
                   pax_record("size", "12345678901") + pax_record("mtime", "1.5"));
  Resolved pax = resolve(ext, h);
  EXPECT_EQ(pax.path, "pax/path");
  EXPECT_EQ(pax.link, "pax/link");
  EXPECT_EQ(pax.size, 12345678901u);
  EXPECT_FALSE(ext.malformed() || ext.sparse() || ext.deletes_a_field());
  ext.clear();
  Resolved cleared = resolve(ext, h);
  EXPECT_EQ(cleared.path, "short");
  EXPECT_EQ(cleared.link, "short-link");
  EXPECT_EQ(cleared.size, 7u);
}

TEST(TarExtensions, GlobalRecordsAreNotApplied) {
  std::string block = ustar_header("name", '0', 1);
  TarHeader h = plain(block);  // views into block
  TarExtensions ext;
  ext.add('g', pax_record("path", "renamed") + pax_record("comment", "hello"));
  EXPECT_EQ(resolve(ext, h).path, "name");
}

// The index kept whatever records came before a malformed one; the reader handed the entry to
// libarchive. Now both see malformed(): the index fails, the reader hands over.
TEST(TarExtensions, MalformedPaxRecords) {
  for (std::string body :
       {std::string("7 abc\n"), std::string("99 path=x\n"), std::string("10 pathxy\n"),
        pax_record("size", "12a"), std::string("x path=y\n"), pax_record("path", "ok") + "junk"}) {
    TarExtensions ext;
    ext.add('x', body);
    EXPECT_TRUE(ext.malformed()) << body;
  }
}

// An empty value deletes the record (POSIX): the header's field applies. The index used to take
// the empty path as the member's name.
TEST(TarExtensions, EmptyValuesDeleteRecords) {
  std::string block = ustar_header("header-name", '0', 4);
  TarHeader h = plain(block);
  TarExtensions ext;
  ext.add('x', pax_record("path", "pax-name") + pax_record("size", "9"));
  ext.add('x', pax_record("path", "") + pax_record("size", ""));
  EXPECT_TRUE(ext.deletes_a_field());
  Resolved r = resolve(ext, h);
  EXPECT_EQ(r.path, "header-name");
  EXPECT_EQ(r.size, 4u);
}

// The index ignored sparse records and would have served the sparse map as the member's data.
TEST(TarExtensions, SparseRecords) {
  for (const char* key : {"GNU.sparse.major", "GNU.sparse.size", "SCHILY.realsize"}) {
    TarExtensions ext;
    ext.add('x', pax_record(key, "1"));
    EXPECT_TRUE(ext.sparse()) << key;
  }
}

TEST(TarExtensions, PrefixEndingInASlashGetsNoSecondOne) {
  std::string block = ustar_header("name", '0', 0);
  std::memcpy(block.data() + 345, "dir/", 4);
  seal_tar_header(block);
  TarExtensions ext;
  TarHeader h = plain(block);
  EXPECT_EQ(resolve(ext, h).path, "dir/name");
}

}  // namespace
}  // namespace strata
