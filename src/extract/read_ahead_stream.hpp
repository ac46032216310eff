// ReadAheadStream: reads a ByteStream ahead on a thread of its own, so the costs of producing
// its bytes (a layer blob's digest check and page-cache copies) leave the reading thread. At most
// kBuffers x kBufferBytes are in flight; the destructor stops and joins the reader. Errors (and
// exceptions) of the inner stream come after every byte read before them. Without a thread to spare
// it reads in place.
#pragma once

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strata/core/byte_stream.hpp"

namespace strata {

class ReadAheadStream final : public ByteStream {
 public:
  static constexpr size_t kBuffers = 4;
  static constexpr size_t kBufferBytes = 1 << 20;

  // `what` names the stream in an exception's error ("reading the layer blob: …"). With
  // `cpu_seconds`, the reading thread's CPU time is stored there before it ends (so it is
  // there once the stream is destroyed).
  ReadAheadStream(std::unique_ptr<ByteStream> inner, std::string what,
                  double* cpu_seconds = nullptr);
  ~ReadAheadStream() override;

  Result<size_t> read(char* out, size_t capacity) override;
  bool lends() const override { return !direct_; }
  Result<std::string_view> lend(size_t max) override;

 private:
  struct Buffer {
    std::vector<char> data;
    size_t size = 0;
    size_t pos = 0;
    Status status;
    std::exception_ptr thrown;  // what the inner stream's read threw, if it did
    bool last = false;          // the reader stopped after this one (end of stream or an error)
  };

  void read_ahead();
  // A used-up head buffer goes back to the reader at the next call, not at once: the caller
  // of lend() reads it until then.
  void release_lent(std::unique_lock<std::mutex>& lock);

  std::unique_ptr<ByteStream> inner_;
  std::string what_;
  double* cpu_seconds_;
  Buffer buffers_[kBuffers];
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t head_ = 0;    // the buffer read() takes bytes from
  size_t filled_ = 0;  // buffers published and not yet fully read
  bool stop_ = false;
  bool direct_ = false;
  bool lent_used_up_ = false;  // the head buffer was taken to its end
  std::thread reader_;         // last: starts after everything it uses exists
};

}  // namespace strata
