// Hand-over benchmarks: what it costs to fill 256 KiB blocks on one core and read them on the
// other, as the pipelined walk does (the decoding thread fills pooled blocks, the scanning thread
// reads them and gives them back to be filled again), against filling and reading them on one
// thread. Two fillers: plain stores at memory speed (the worst case for cache-line transfers
// between cores) and ISA-L inflate at its own ~1 GB/s (what strata's decoder does).
#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace strata::bench {

// Defined in match_bench.cpp.
std::string english_text(size_t bytes, uint64_t seed);

namespace {

constexpr size_t kBlockBytes = 256 << 10;  // kDecodedBlockBytes
constexpr size_t kRing = 8;                // blocks in flight
constexpr size_t kBlocksPerIteration = 128;

// Fills blocks with plain sequential stores.
class StoreFiller {
 public:
  size_t fill(uint64_t* block) {
    for (size_t i = 0; i < kBlockBytes / sizeof(uint64_t); ++i) block[i] = ++seed_;
    return kBlockBytes;
  }

 private:
  uint64_t seed_ = 0;
};

// Fills blocks by inflating a zlib stream of generated text, starting over at its end.
class InflateFiller {
 public:
  InflateFiller() {
    static const std::string compressed = [] {
      std::string text = english_text(32 << 20, 7);
      uLongf size = compressBound(text.size());
      std::string out(size, '\0');
      compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(text.data()), text.size(), 6);
      out.resize(size);
      return out;
    }();
    compressed_ = &compressed;
    restart();
  }
  size_t fill(uint64_t* block) {
    state_->next_out = reinterpret_cast<uint8_t*>(block);
    state_->avail_out = kBlockBytes;
    while (state_->avail_out > 0) {
      if (isal_inflate(state_.get()) != ISAL_DECOMP_OK) return 0;
      if (state_->block_state == ISAL_BLOCK_FINISH) restart();
    }
    return kBlockBytes;
  }

 private:
  void restart() {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_ZLIB;
    state_->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(compressed_->data()));
    state_->avail_in = static_cast<uint32_t>(compressed_->size());
  }
  const std::string* compressed_ = nullptr;
  std::unique_ptr<inflate_state> state_ = std::make_unique<inflate_state>();
};

// Sequential loads, as a scanner reads its input.
uint64_t read_block(const uint64_t* block) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlockBytes / sizeof(uint64_t); ++i) sum += block[i];
  return sum;
}

std::vector<std::unique_ptr<uint64_t[]>> make_blocks() {
  std::vector<std::unique_ptr<uint64_t[]>> blocks;
  for (size_t i = 0; i < kRing; ++i) {
    blocks.push_back(std::make_unique<uint64_t[]>(kBlockBytes / sizeof(uint64_t)));
  }
  return blocks;
}

void report(benchmark::State& state) {
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * kBlocksPerIteration * kBlockBytes));
}

template <class Filler>
void BM_SameThread(benchmark::State& state) {
  auto blocks = make_blocks();
  Filler filler;
  uint64_t n = 0;
  for (auto _ : state) {
    for (size_t b = 0; b < kBlocksPerIteration; ++b, ++n) {
      uint64_t* block = blocks[n % kRing].get();
      if (filler.fill(block) == 0) return state.SkipWithError("fill failed");
      benchmark::DoNotOptimize(read_block(block));
    }
  }
  report(state);
}

// The benchmark's thread fills; a second thread reads each block once it is filled and gives
// it back. Both wait by spinning, so the time is the work's and the transfer's, not the
// scheduler's. With no transfer cost the rate would be the slower side's alone.
template <class Filler>
void BM_OtherThread(benchmark::State& state) {
  auto blocks = make_blocks();
  Filler filler;
  std::atomic<uint64_t> filled{0}, read{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    uint64_t next = 0;
    while (true) {
      while (filled.load(std::memory_order_acquire) == next) {
        if (stop.load(std::memory_order_acquire)) return;
      }
      benchmark::DoNotOptimize(read_block(blocks[next % kRing].get()));
      read.store(++next, std::memory_order_release);
    }
  });
  uint64_t n = 0;
  bool failed = false;
  for (auto _ : state) {
    for (size_t b = 0; b < kBlocksPerIteration && !failed; ++b, ++n) {
      while (n - read.load(std::memory_order_acquire) >= kRing) {
      }
      failed = filler.fill(blocks[n % kRing].get()) == 0;
      filled.store(n + 1, std::memory_order_release);
    }
    while (read.load(std::memory_order_acquire) != n) {
    }
    if (failed) break;
  }
  stop.store(true, std::memory_order_release);
  reader.join();
  if (failed) return state.SkipWithError("fill failed");
  report(state);
}

BENCHMARK(BM_SameThread<StoreFiller>)->Name("handover/stores/same_thread")->UseRealTime();
BENCHMARK(BM_OtherThread<StoreFiller>)->Name("handover/stores/other_thread")->UseRealTime();
BENCHMARK(BM_SameThread<InflateFiller>)->Name("handover/inflate/same_thread")->UseRealTime();
BENCHMARK(BM_OtherThread<InflateFiller>)->Name("handover/inflate/other_thread")->UseRealTime();

}  // namespace
}  // namespace strata::bench
