// Test helpers for the extract tests: a visitor that records what it sees, and a stream
// that hands out its bytes in small pieces (to exercise decoder buffering).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "strata/extract/layer_walker.hpp"
#include "support/ustar_header.hpp"

namespace strata::test {

struct SeenEntry {
  EntryInfo info;
  std::string data;
  size_t chunks = 0;
  size_t largest_chunk = 0;
  uint64_t bytes = 0;
  bool ended = false;
};

class RecordingVisitor final : public EntryVisitor {
 public:
  // Decides per entry whether to continue; continues by default.
  std::function<Control(const EntryInfo&)> decide;
  // Stop after this many bytes of a file (0: never).
  uint64_t stop_after = 0;
  // Keep data (false for very large files: only counts and chunk sizes are kept).
  bool keep_data = true;
  std::vector<SeenEntry> seen;

  Control on_entry(const EntryInfo& entry) override {
    Control c = decide ? decide(entry) : Control::kContinue;
    if (c == Control::kContinue) {
      seen.emplace_back();
      seen.back().info = entry;
    }
    return c;
  }
  Control on_data(std::string_view chunk) override {
    SeenEntry& e = seen.back();
    if (keep_data) e.data.append(chunk);
    ++e.chunks;
    e.largest_chunk = std::max(e.largest_chunk, chunk.size());
    e.bytes += chunk.size();
    return stop_after != 0 && e.bytes >= stop_after ? Control::kStop : Control::kContinue;
  }
  void on_entry_end() override { seen.back().ended = true; }

  const SeenEntry* find(const std::string& path) const {
    for (const auto& e : seen) {
      if (e.info.path == path) return &e;
    }
    return nullptr;
  }
};

// At most `piece` bytes per read; with `pause`, each read waits first (a slow blob).
class ChunkedStream final : public ByteStream {
 public:
  ChunkedStream(std::string data, size_t piece,
                std::chrono::microseconds pause = std::chrono::microseconds(0))
      : data_(std::move(data)), piece_(piece), pause_(pause) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    if (pause_.count() > 0) std::this_thread::sleep_for(pause_);
    size_t n = std::min({capacity, piece_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t piece_;
  std::chrono::microseconds pause_;
  size_t pos_ = 0;
};

// Lends at most `piece` bytes per call from a buffer that is scribbled over at the next call,
// so a reader that keeps using a view past its time sees garbage.
class LendingStream final : public ByteStream {
 public:
  LendingStream(std::string data, size_t piece) : data_(std::move(data)), piece_(piece) {}
  Result<size_t> read(char*, size_t) override { return fail("LendingStream only lends"); }
  bool lends() const override { return true; }
  Result<std::string_view> lend(size_t max) override {
    std::fill(lent_.begin(), lent_.end(), '\xaa');
    size_t n = std::min({max, piece_, data_.size() - pos_});
    lent_.assign(data_, pos_, n);
    pos_ += n;
    return std::string_view(lent_);
  }

 private:
  std::string data_;
  size_t piece_;
  size_t pos_ = 0;
  std::string lent_;
};

inline std::unique_ptr<ByteStream> memory_stream(std::string data) {
  return std::make_unique<MemoryStream>(std::move(data));
}

// Deterministic bytes that do not compress to nothing.
inline std::string pseudo_random_bytes(size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

}  // namespace strata::test
