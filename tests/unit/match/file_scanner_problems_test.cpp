// FileScanner::problems: every way a file can go unscanned or a candidate unconfirmed is
// provoked for real: Hyperscan's allocators fail (they are process-wide and replaceable), the
// scanner's own candidate storage runs out of memory (operator new is replaced in this test
// binary, and fails only when a test arms it), and a rule's confirm regex backtracks past
// PCRE2's match limit.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <cstdlib>
#include <new>
#include <optional>

#include "match_test_support.hpp"

namespace {

// Allocations on this thread that fail before the next one succeeds again.
thread_local int failing_allocations = 0;

void* allocate(std::size_t size) {
  if (failing_allocations > 0) {
    --failing_allocations;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

// Every unaligned form is replaced, nothrow ones included (Hyperscan's compiler uses those), so
// each allocation is freed by the allocator that made it (AddressSanitizer checks that).
void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& nothrow) noexcept {
  return operator new(size, nothrow);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace strata {
namespace {

using namespace strata::test;

void* failing_hyperscan_alloc(size_t) { return nullptr; }

// Makes Hyperscan's scratch (or stream) allocations fail until destroyed.
class HyperscanAllocationFailure {
 public:
  using Setter = hs_error_t (*)(hs_alloc_t, hs_free_t);
  explicit HyperscanAllocationFailure(Setter set) : set_(set) {
    set_(&failing_hyperscan_alloc, &std::free);
  }
  ~HyperscanAllocationFailure() { set_(nullptr, nullptr); }  // back to malloc and free
  HyperscanAllocationFailure(const HyperscanAllocationFailure&) = delete;
  HyperscanAllocationFailure& operator=(const HyperscanAllocationFailure&) = delete;

 private:
  Setter set_;
};

std::string token(char digit) { return std::string("z") + "z" + std::string(8, digit); }

class FileScannerProblemsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_); }

  std::shared_ptr<const MatchEngine> engine_ =
      compile_rules({make_rule("t.token", R"(\bzz[0-9]{8}\b)")});
};

TEST_F(FileScannerProblemsTest, ScratchAllocationFailureLeavesTheFileUnscannedAndSaysSo) {
  HyperscanAllocationFailure failing(&hs_set_scratch_allocator);
  FileScanner scanner(*engine_);
  EXPECT_TRUE(scanner.scan("a " + token('1') + " b").empty());
  ASSERT_EQ(scanner.problems().size(), 1u);
  EXPECT_EQ(scanner.problems()[0],
            "not scanned: Hyperscan could not allocate its scratch space (out of memory)");
}

TEST_F(FileScannerProblemsTest, StreamAllocationFailureLeavesTheFileUnscannedAndSaysSo) {
  HyperscanAllocationFailure failing(&hs_set_stream_allocator);
  FileScanner scanner(*engine_);
  for (size_t chunk : {1, 7, 0}) {
    EXPECT_TRUE(scan_chunked(scanner, "a " + token('1') + " b", chunk).empty());
    ASSERT_EQ(scanner.problems().size(), 1u) << chunk;
    EXPECT_EQ(scanner.problems()[0],
              "not scanned: Hyperscan could not open a stream (out of memory)");
  }
}

TEST_F(FileScannerProblemsTest, AScannerRecoversOnceHyperscanCanAllocateAgain) {
  std::optional<HyperscanAllocationFailure> failing(&hs_set_stream_allocator);
  FileScanner scanner(*engine_);
  EXPECT_TRUE(scanner.scan(token('1')).empty());
  EXPECT_FALSE(scanner.problems().empty());
  failing.reset();
  EXPECT_EQ(scanner.scan(token('1')).size(), 1u);
  EXPECT_TRUE(scanner.problems().empty());
}

TEST_F(FileScannerProblemsTest, AnEmptyFileIsCompleteEvenWithoutAStream) {
  HyperscanAllocationFailure failing(&hs_set_stream_allocator);
  FileScanner scanner(*engine_);
  scanner.scan("");
  EXPECT_TRUE(scanner.problems().empty());
}

TEST_F(FileScannerProblemsTest, StreamScanFailureLeavesTheRestOfTheFileUnscanned) {
  FileScanner scanner(*engine_);
  scanner.begin();
  scanner.feed("0123456789");
  failing_allocations = 1;  // storing the next candidate fails: on_match halts the stream
  scanner.feed(" " + token('1') + " ");
  failing_allocations = 0;
  scanner.feed(token('2') + " ");
  EXPECT_TRUE(scanner.finish().empty());
  ASSERT_EQ(scanner.problems().size(), 1u);
  EXPECT_EQ(scanner.problems()[0],
            "not scanned from byte 10: Hyperscan stream scan failed (out of memory storing "
            "match candidates)");
  // The next file starts on a reset stream.
  EXPECT_EQ(scanner.scan(token('3') + " ").size(), 1u);
  EXPECT_TRUE(scanner.problems().empty());
}

TEST_F(FileScannerProblemsTest, FailureAtTheEndOfTheDataIsAProblem) {
  FileScanner scanner(*engine_);
  scanner.begin();
  std::string text = "a " + token('1');  // the trailing \b is decided at the end of the data
  scanner.feed(text);
  failing_allocations = 1;
  std::vector<SecretMatch> found = scanner.finish();
  failing_allocations = 0;
  EXPECT_TRUE(found.empty());
  ASSERT_EQ(scanner.problems().size(), 1u);
  EXPECT_EQ(scanner.problems()[0],
            "matches ending at byte " + std::to_string(text.size()) +
                " not checked: Hyperscan failed at the end of the data (out of memory storing "
                "match candidates)");
  EXPECT_EQ(scanner.scan(text).size(), 1u);
  EXPECT_TRUE(scanner.problems().empty());
}

// Greedy alternation over a run of 'a's as long as the rule's widest match: PCRE2 tries every
// way of splitting the run before the one that reaches the 'b', far past its match limit.
TEST(FileScannerPcre2LimitTest, CandidatePastThePcre2MatchLimitIsAProblemAtEveryChunkSize) {
  auto engine = compile_rules({make_rule("t.backtrack", "(?:a|aa){1,40}b")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string text = "x " + std::string(80, 'a') + "b";
  for (size_t chunk : {1, 2, 7, 4096, 0}) {
    EXPECT_TRUE(scan_chunked(scanner, text, chunk).empty()) << chunk;
    ASSERT_EQ(scanner.problems().size(), 1u) << chunk;
    EXPECT_EQ(scanner.problems()[0],
              "rule t.backtrack: 1 candidate(s) not confirmed (PCRE2: match limit exceeded), "
              "the first ending at byte " +
                  std::to_string(text.size()))
        << chunk;
  }
  // A run the regex matches without searching is confirmed as usual.
  EXPECT_EQ(scanner.scan("x " + std::string(30, 'a') + "b").size(), 1u);
  EXPECT_TRUE(scanner.problems().empty());
}

TEST(FileScannerPcre2LimitTest, UnconfirmedCandidatesOfOneRuleAreCountedOnOneLine) {
  auto engine = compile_rules({make_rule("t.backtrack", "(?:a|aa){1,40}b")});
  ASSERT_TRUE(engine);
  FileScanner scanner(*engine);
  std::string run = std::string(80, 'a') + "b ";
  scanner.scan("x " + run + run + run);
  ASSERT_EQ(scanner.problems().size(), 1u);
  EXPECT_TRUE(scanner.problems()[0].starts_with("rule t.backtrack: 3 candidate(s) not confirmed"))
      << scanner.problems()[0];
}

}  // namespace
}  // namespace strata
