#include "read_ahead_stream.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace strata {
namespace {

// Bytes that differ from one position to the next, so a view overwritten by later data shows.
std::string pattern_bytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 4093) & 0xff);
  return s;
}

// `data`, then an error, or what `thrower` throws.
class FailingAfter final : public ByteStream {
 public:
  explicit FailingAfter(std::string data, std::function<void()> thrower = nullptr)
      : data_(std::move(data)), thrower_(std::move(thrower)) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    if (pos_ == data_.size() && thrower_) thrower_();
    if (pos_ == data_.size()) return fail("disk on fire");
    size_t n = std::min(capacity, data_.size() - pos_);
    data_.copy(buffer, n, pos_);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  std::function<void()> thrower_;
  size_t pos_ = 0;
};

// More than all buffers hold at once, so the reader refills while the caller borrows.
constexpr size_t kSize = ReadAheadStream::kBuffers * ReadAheadStream::kBufferBytes + 12345;

TEST(ReadAheadStream, LendsEveryByteInOrderThenAnEmptyView) {
  std::string data = pattern_bytes(kSize);
  ReadAheadStream stream(std::make_unique<MemoryStream>(data), "test");
  ASSERT_TRUE(stream.lends());
  std::string got;
  size_t sizes[] = {1, 7, ReadAheadStream::kBufferBytes + 3, 4096};
  for (size_t k = 0;; ++k) {
    auto view = stream.lend(sizes[k % 4]);
    ASSERT_TRUE(view) << view.error().message;
    if (view->empty()) break;
    EXPECT_LE(view->size(), sizes[k % 4]);
    got.append(*view);
  }
  EXPECT_EQ(got, data);
  auto after = stream.lend(10);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->empty());
}

TEST(ReadAheadStream, ALentViewStaysIntactUntilTheNextCall) {
  std::string data = pattern_bytes(kSize);
  ReadAheadStream stream(std::make_unique<MemoryStream>(data), "test");
  size_t at = 0;
  for (int k = 0;; ++k) {
    // A whole buffer: used up by this call, so only the next call may hand it back.
    auto view = stream.lend(ReadAheadStream::kBufferBytes);
    ASSERT_TRUE(view);
    if (view->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the reader runs ahead
    ASSERT_EQ(*view, std::string_view(data).substr(at, view->size())) << "view " << k;
    at += view->size();
  }
  EXPECT_EQ(at, data.size());
}

TEST(ReadAheadStream, AnErrorComesAfterEveryLentByte) {
  std::string data = pattern_bytes(3 * ReadAheadStream::kBufferBytes + 5);
  ReadAheadStream stream(std::make_unique<FailingAfter>(data), "reading the blob");
  std::string got;
  for (;;) {
    auto view = stream.lend(100000);
    if (!view) {
      EXPECT_NE(view.error().message.find("disk on fire"), std::string::npos);
      break;
    }
    ASSERT_FALSE(view->empty()) << "the end came before the error";
    got.append(*view);
  }
  EXPECT_EQ(got, data);
}

// Any exception the inner stream throws on the reading thread (out of memory, one of no
// standard type) arrives as an error after every byte before it: it never ends the process.
TEST(ReadAheadStream, AnExceptionOnTheReadingThreadBecomesAnErrorAfterEveryByte) {
  std::string data = pattern_bytes(2 * ReadAheadStream::kBufferBytes + 7);
  std::vector<std::pair<std::function<void()>, std::string>> cases = {
      {[] { throw std::bad_alloc(); }, "out of memory"},
      {[] { throw std::length_error("vector too long"); }, "vector too long"},
      {[] { throw 42; }, "unknown type"}};
  for (const auto& [thrower, expected] : cases) {
    ReadAheadStream stream(std::make_unique<FailingAfter>(data, thrower), "reading the blob");
    std::string got;
    for (;;) {
      auto view = stream.lend(100000);
      if (!view) {
        EXPECT_NE(view.error().message.find("reading the blob: "), std::string::npos);
        EXPECT_NE(view.error().message.find(expected), std::string::npos) << view.error().message;
        break;
      }
      ASSERT_FALSE(view->empty()) << "the end came before the error";
      got.append(*view);
    }
    EXPECT_EQ(got, data) << expected;
  }
}

TEST(ReadAheadStream, ReadsAfterLendingContinueWhereTheViewEnded) {
  std::string data = pattern_bytes(kSize);
  ReadAheadStream stream(std::make_unique<MemoryStream>(data), "test");
  auto view = stream.lend(ReadAheadStream::kBufferBytes);
  ASSERT_TRUE(view);
  std::string got(*view);
  std::string buffer(70000, '\0');
  for (;;) {
    auto n = stream.read(buffer.data(), buffer.size());
    ASSERT_TRUE(n);
    if (*n == 0) break;
    got.append(buffer, 0, *n);
  }
  EXPECT_EQ(got, data);
}

}  // namespace
}  // namespace strata
