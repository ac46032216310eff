// Line and column of matches far into a file fed in chunks of many sizes: the newline counting
// that runs over every scanned byte (vectorized) agrees with a plain count.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "match_test_support.hpp"
#include "strata/match/match_engine.hpp"

namespace strata {
namespace {

struct Expected {
  uint64_t offset, line, column;
};

// Text with lines of irregular length (some empty, some longer than 64 bytes, so newlines fall
// everywhere relative to 16- and 64-byte blocks) and one token every ~40 KiB.
std::string document(const std::string& token, std::vector<Expected>& expected) {
  std::string text;
  uint32_t x = 12345;
  uint64_t line = 1, line_start = 0;
  while (text.size() < (3u << 20)) {
    x = x * 1103515245u + 12345u;
    size_t len = (x >> 16) % 150;
    if (text.size() / (40 << 10) != (text.size() + len) / (40 << 10)) {
      text += "t ";
      expected.push_back({text.size(), line, text.size() - line_start + 1});
      text += token + " ";
    }
    text.append(len, 'a' + static_cast<char>(x % 26));
    text += '\n';
    ++line;
    line_start = text.size();
  }
  return text;
}

TEST(LinePositionTest, LinesAndColumnsAreRightForEveryChunkSize) {
  auto engine = test::compile_rules({test::make_rule("t", "\\b(?P<secret>tok_[a-z0-9]{20})\\b")});
  ASSERT_TRUE(engine);
  std::string token = std::string("to") + "k_" + std::string(19, 'q') + "7";
  std::vector<Expected> expected;
  std::string text = document(token, expected);
  ASSERT_GT(expected.size(), 50u);
  FileScanner scanner(*engine);
  for (size_t chunk : {size_t(0), size_t(1000), size_t(4093), size_t(65536), size_t(300001)}) {
    auto found = test::scan_chunked(scanner, text, chunk);
    ASSERT_EQ(found.size(), expected.size()) << "chunk " << chunk;
    for (size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(found[i].secret_start, expected[i].offset) << "chunk " << chunk << " #" << i;
      EXPECT_EQ(found[i].line, expected[i].line) << "chunk " << chunk << " #" << i;
      EXPECT_EQ(found[i].column, expected[i].column) << "chunk " << chunk << " #" << i;
    }
  }
}

}  // namespace
}  // namespace strata
