// Transfer (one curl request driven from the caller's thread), checked directly: the body
// buffer stays bounded however much arrives at once, and a paused transfer resumes intact.
#include "transfer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "net_test_servers.hpp"
#include "support/skip_or_fail.hpp"

namespace strata::net::test {
namespace {

TEST(TransferTest, TheBodyBufferStaysBounded) {
  if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " not installed";
  Upstream upstream;
  auto transfer = Transfer::start({.url = upstream.server.url("/blob.bin")}, fast_options());
  ASSERT_TRUE(transfer) << transfer.error().message;
  ASSERT_TRUE((*transfer)->await_headers()) << (*transfer)->failure();
  EXPECT_EQ((*transfer)->response().status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the socket fill up
  std::string body;
  size_t most_buffered = 0;
  while ((*transfer)->fill()) {
    std::string_view bytes = (*transfer)->buffered();
    most_buffered = std::max(most_buffered, bytes.size());
    body.append(bytes);
    (*transfer)->consume(bytes.size());
  }
  EXPECT_EQ((*transfer)->result(), CURLE_OK) << (*transfer)->failure();
  EXPECT_TRUE(body == upstream.blob);
  EXPECT_LE(most_buffered, (size_t{1} << 20) + CURL_MAX_WRITE_SIZE);
  RecordProperty("most_buffered", std::to_string(most_buffered));
}

// read_into copies curl's chunks straight to the caller: whatever the caller's capacity, with the
// socket full (the transfer pauses) or not, and mixed with buffered reads, the body comes out
// whole and in order.
TEST(TransferTest, ReadIntoDeliversTheBodyInOrderWhateverTheCapacity) {
  if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " not installed";
  Upstream upstream;
  auto transfer = Transfer::start({.url = upstream.server.url("/blob.bin")}, fast_options());
  ASSERT_TRUE(transfer) << transfer.error().message;
  ASSERT_TRUE((*transfer)->await_headers()) << (*transfer)->failure();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the socket fill up
  const size_t capacities[] = {7, 100 << 10, 3 << 20, 1, 300 << 10};
  std::string out(3 << 20, '\0');
  std::string body;
  for (size_t i = 0;; ++i) {
    if (i % 7 == 6) {  // now and then the buffered way, as fetch() reads
      if (!(*transfer)->fill()) break;
      std::string_view bytes = (*transfer)->buffered().substr(0, 5000);
      body.append(bytes);
      (*transfer)->consume(bytes.size());
      continue;
    }
    size_t capacity = capacities[i % std::size(capacities)];
    size_t n = (*transfer)->read_into(out.data(), capacity);
    ASSERT_LE(n, capacity);
    if (n == 0) break;
    body.append(out, 0, n);
  }
  EXPECT_EQ((*transfer)->result(), CURLE_OK) << (*transfer)->failure();
  EXPECT_EQ(body.size(), upstream.blob.size());
  EXPECT_TRUE(body == upstream.blob);
}

}  // namespace
}  // namespace strata::net::test
