#include "read_ahead_stream.hpp"

#include <algorithm>
#include <exception>

#include "strata/core/exception_text.hpp"
#include "strata/core/thread_start.hpp"
#include "thread_cpu.hpp"

namespace strata {

ReadAheadStream::ReadAheadStream(std::unique_ptr<ByteStream> inner, std::string what,
                                 double* cpu_seconds)
    : inner_(std::move(inner)), what_(std::move(what)), cpu_seconds_(cpu_seconds) {
  for (auto& b : buffers_) b.data.resize(kBufferBytes);
  reader_ = try_start_thread([this] {
    read_ahead();
    if (cpu_seconds_) *cpu_seconds_ = thread_cpu_seconds();
  });
  direct_ = !reader_.joinable();  // no thread to spare: read in place
}

ReadAheadStream::~ReadAheadStream() {
  if (direct_) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  reader_.join();
}

void ReadAheadStream::release_lent(std::unique_lock<std::mutex>& /*lock*/) {
  if (!lent_used_up_) return;
  lent_used_up_ = false;
  head_ = (head_ + 1) % kBuffers;
  --filled_;
  changed_.notify_all();
}

Result<size_t> ReadAheadStream::read(char* out, size_t capacity) {
  if (direct_) return inner_->read(out, capacity);
  auto view = lend(capacity);  // its buffer goes back to the reader at the next call
  if (!view) return fail(view.error());
  std::copy_n(view->data(), view->size(), out);
  return view->size();
}

Result<std::string_view> ReadAheadStream::lend(size_t max) {
  if (direct_) return fail(what_ + ": no reading thread to lend from");
  std::unique_lock lock(mutex_);
  release_lent(lock);
  changed_.wait(lock, [&] { return filled_ > 0; });
  Buffer& b = buffers_[head_];
  if (b.pos == b.size) {  // only the last buffer stays after it is used up: end or error
    if (b.thrown) return fail(what_ + ": " + exception_text(b.thrown));
    if (!b.status) return fail(b.status.error());
    return std::string_view{};
  }
  size_t n = std::min(max, b.size - b.pos);
  std::string_view view(b.data.data() + b.pos, n);
  b.pos += n;
  lent_used_up_ = b.pos == b.size && !b.last;
  return view;
}

void ReadAheadStream::read_ahead() {
  for (size_t tail = 0;; tail = (tail + 1) % kBuffers) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || filled_ < kBuffers; });
      if (stop_) return;
    }
    // The slot at `tail` is free: only this thread touches it until it is published.
    Buffer& b = buffers_[tail];
    b.pos = b.size = 0;
    b.status = {};
    b.thrown = nullptr;
    b.last = false;
    while (b.size < b.data.size()) {
      Result<size_t> n;
      try {
        n = inner_->read(b.data.data() + b.size, b.data.size() - b.size);
      } catch (...) {
        // Kept as is: turning it into text allocates, which could throw again here, where
        // nothing would catch it. The reading side does that.
        b.thrown = std::current_exception();
        b.last = true;
        break;
      }
      if (!n) b.status = fail(n.error());
      if (!n || *n == 0) {
        b.last = true;
        break;
      }
      b.size += *n;
    }
    bool last = b.last;  // b belongs to the reading side once published
    {
      std::lock_guard lock(mutex_);
      ++filled_;
    }
    changed_.notify_all();
    if (last) return;
  }
}

}  // namespace strata
