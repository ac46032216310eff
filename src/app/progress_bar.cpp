#include "progress_bar.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "strata/core/thread_start.hpp"

namespace strata::app {

namespace {

// Counts the bytes a blob stream delivers into the shared total.
class CountingStream final : public ByteStream {
 public:
  CountingStream(std::unique_ptr<ByteStream> inner, std::atomic<uint64_t>& counter)
      : inner_(std::move(inner)), counter_(counter) {}
  Result<size_t> read(char* buffer, size_t capacity) override {
    auto n = inner_->read(buffer, capacity);
    if (n) counter_.fetch_add(*n, std::memory_order_relaxed);
    return n;
  }

 private:
  std::unique_ptr<ByteStream> inner_;
  std::atomic<uint64_t>& counter_;
};

// A layer whose streams count their bytes into the shared total.
class CountedLayer final : public Layer {
 public:
  CountedLayer(std::shared_ptr<const Layer> inner, std::atomic<uint64_t>& counter)
      : Layer(inner->descriptor()), inner_(std::move(inner)), counter_(counter) {}

  Result<std::unique_ptr<ByteStream>> compressed() const override {
    auto stream = inner_->compressed();
    if (!stream) return stream;
    return std::unique_ptr<ByteStream>(
        std::make_unique<CountingStream>(std::move(*stream), counter_));
  }
  std::optional<std::string> unpacked_root() const override { return inner_->unpacked_root(); }

 private:
  std::shared_ptr<const Layer> inner_;
  std::atomic<uint64_t>& counter_;
};

}  // namespace

Result<std::vector<Image>> ProgressSource::images() {
  auto images = inner_.images();
  if (!images) return images;
  // A layer shared by several images is read once, and stays one object.
  std::map<const Layer*, std::shared_ptr<const Layer>> counted;
  uint64_t total = 0;
  for (Image& image : *images) {
    for (LayerInfo& layer : image.layers) {
      auto& wrapped = counted[layer.layer.get()];
      if (!wrapped) {
        wrapped = std::make_shared<CountedLayer>(layer.layer, bytes_read_);
        if (layer.blob.size > 0) total += static_cast<uint64_t>(layer.blob.size);
      }
      layer.layer = wrapped;
    }
  }
  bytes_total_ = total;
  return images;
}

ProgressBar::ProgressBar(const ProgressSource& source) : source_(source) {
  // No thread to spare: no bar.
  thread_ = try_start_thread([this] {
    try {
      run();
    } catch (...) {
      // A bar that cannot draw (no memory for its line) just stops: the scan goes on.
    }
  });
}

ProgressBar::~ProgressBar() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_cv_.notify_one();
  thread_.join();
  std::fputs("\r\x1b[2K", stderr);  // clear the bar's line
  std::fflush(stderr);
}

void ProgressBar::run() {
  std::unique_lock lock(mutex_);
  // Quick scans never show a bar.
  if (stop_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; })) return;
  while (!stop_) {
    draw();
    stop_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stop_; });
  }
}

void ProgressBar::draw() const {
  uint64_t total = source_.bytes_total();
  uint64_t read = source_.bytes_read();
  // Config and manifest blobs are read too: never past 100 %.
  double fraction = total > 0 ? std::min(1.0, static_cast<double>(read) / total) : 0.0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, ' ');
  std::fprintf(stderr, "\r\x1b[2Kscanning [%s] %3d%%  %.1f / %.1f MB", bar.c_str(),
               static_cast<int>(fraction * 100), read / 1e6, total / 1e6);
  std::fflush(stderr);
}

}  // namespace strata::app
