// A progress bar on stderr for long scans (only on a terminal; --no-progress turns it off).
// It wraps the image source and its layers: blob bytes read so far against the total of the
// distinct layer blobs, so the scanner needs no hook. Redraws at most 5 times a second from its own
// thread.
//
//   ProgressSource counted(*source);  // scan `counted` instead of *source
//   ProgressBar bar(counted);         // draws until destroyed, then clears its line
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "strata/image/image_source.hpp"

namespace strata::app {

class ProgressSource final : public ImageSource {
 public:
  explicit ProgressSource(ImageSource& inner) : inner_(inner) {}
  Result<std::vector<Image>> images() override;
  std::string describe() const override { return inner_.describe(); }

  uint64_t bytes_total() const { return bytes_total_.load(); }
  uint64_t bytes_read() const { return bytes_read_.load(); }

 private:
  ImageSource& inner_;
  std::atomic<uint64_t> bytes_total_{0};
  std::atomic<uint64_t> bytes_read_{0};
};

class ProgressBar {
 public:
  explicit ProgressBar(const ProgressSource& source);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

 private:
  void run();
  void draw() const;

  const ProgressSource& source_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace strata::app
