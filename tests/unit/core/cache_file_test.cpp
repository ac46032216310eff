#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "strata/core/byte_stream.hpp"
#include "strata/core/cache_dir.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(CacheFile, WrittenPayloadReadsBackIntoANewDirectory) {
  test::TempDir dir;
  std::string path = dir.path() + "/new/sub/entry.bin";
  std::string payload("payload\0with a NUL and\nlines", 28);
  write_cache_file(path, "MAGIC1\n", payload);
  EXPECT_EQ(read_cache_file(path, "MAGIC1\n"), payload);
  EXPECT_EQ(read_cache_file(path, "MAGIC2\n"), std::nullopt);  // another format's file
  // Nothing but the entry is left behind (the temporary file was renamed).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() + "/new/sub"),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(CacheFile, CorruptTruncatedOrMissingFilesReadAsNothing) {
  test::TempDir dir;
  std::string path = dir.path() + "/entry.bin";
  EXPECT_EQ(read_cache_file(path, "M\n"), std::nullopt);
  write_cache_file(path, "M\n", "some payload");
  std::string good = slurp(path);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x20;
    spit(path, bad);
    EXPECT_EQ(read_cache_file(path, "M\n"), std::nullopt) << "byte " << i << " flipped";
  }
  for (size_t n = 0; n < good.size(); ++n) {
    spit(path, good.substr(0, n));
    EXPECT_EQ(read_cache_file(path, "M\n"), std::nullopt) << "cut to " << n;
  }
  spit(path, good);
  EXPECT_EQ(read_cache_file(path, "M\n"), "some payload");
}

TEST(CacheFile, AnEmptyPayloadIsAnEntryToo) {
  test::TempDir dir;
  std::string path = dir.path() + "/empty.bin";
  write_cache_file(path, "M\n", "");
  EXPECT_EQ(read_cache_file(path, "M\n"), "");
}

// Sets a file's last use `minutes_ago` minutes before now.
void age(const std::string& path, int minutes_ago) {
  std::filesystem::last_write_time(
      path, std::filesystem::file_time_type::clock::now() - std::chrono::minutes(minutes_ago));
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

TEST(CacheFile, AWriteKeepsTheMostRecentlyUsedEntriesOfItsKind) {
  test::TempDir dir;
  auto entry = [&](int i) { return dir.path() + "/hs-" + std::to_string(i) + ".db"; };
  size_t older = kCacheEntriesPerKind + 1;  // entries 0..older-1, entry 0 the oldest
  for (size_t i = 0; i < older; ++i) {
    write_cache_file(entry(static_cast<int>(i)), "M\n", "payload");
    age(entry(static_cast<int>(i)), 100 - static_cast<int>(i));
  }
  // Written one at a time, the oldest went as soon as there were too many.
  EXPECT_FALSE(exists(entry(0)));
  for (size_t i = 1; i < older; ++i) EXPECT_TRUE(exists(entry(static_cast<int>(i)))) << i;
  spit(dir.path() + "/rules-1.bin", "another kind");
  age(dir.path() + "/rules-1.bin", 1000);
  spit(dir.path() + "/notes.txt", "no kind");
  age(dir.path() + "/notes.txt", 1000);
  spit(dir.path() + "/hs-9.db.tmp-stale1", "a killed writer's");
  age(dir.path() + "/hs-9.db.tmp-stale1", kStaleTemporaryMinutes + 1);
  spit(dir.path() + "/hs-9.db.tmp-alive1", "a live writer's");

  EXPECT_EQ(read_cache_file(entry(1), "M\n"), "payload");  // entry 1 is used: now the newest
  write_cache_file(entry(100), "M\n", "new");
  EXPECT_TRUE(exists(entry(100)));
  EXPECT_TRUE(exists(entry(1)));
  EXPECT_FALSE(exists(entry(2)));  // now the least recently used
  for (size_t i = 3; i < older; ++i) EXPECT_TRUE(exists(entry(static_cast<int>(i)))) << i;
  EXPECT_TRUE(exists(dir.path() + "/rules-1.bin"));
  EXPECT_TRUE(exists(dir.path() + "/notes.txt"));
  EXPECT_FALSE(exists(dir.path() + "/hs-9.db.tmp-stale1"));
  EXPECT_TRUE(exists(dir.path() + "/hs-9.db.tmp-alive1"));
}

TEST(ReadWholeFile, ReadsEveryByteOfEmptySmallAndLargeFilesAndNothingElse) {
  test::TempDir dir;
  std::string large(300000, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 7 + i / 251);
  for (const std::string& bytes : {std::string(), std::string("x"), large}) {
    spit(dir.path() + "/f", bytes);
    EXPECT_EQ(read_whole_file(dir.path() + "/f"), bytes) << bytes.size() << " bytes";
  }
  EXPECT_EQ(read_whole_file(dir.path() + "/missing"), std::nullopt);
  EXPECT_EQ(read_whole_file(dir.path()), std::nullopt);  // a directory
}

}  // namespace
}  // namespace strata
