// ScanWindow: the bytes a FileScanner can still see — the look-behind tail kept from earlier
// chunks followed by the part of the current chunk scanned so far — addressed by absolute
// file offsets. LineCursor counts newlines through it to give line and column of an offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strata {

struct ScanWindow {
  std::string_view tail;
  uint64_t tail_offset = 0;
  std::string_view chunk;  // starts at tail_offset + tail.size()

  uint64_t begin() const { return tail_offset; }
  uint64_t chunk_offset() const { return tail_offset + tail.size(); }
  uint64_t end() const { return chunk_offset() + chunk.size(); }
  // Bytes [from, to) (within the window); copies into scratch only when they straddle.
  std::string_view slice(uint64_t from, uint64_t to, std::string& scratch) const;
};

// Newline bookkeeping at one offset: newlines before it, and the offset of the last one.
struct LinePosition {
  uint64_t offset = 0;
  uint64_t newlines = 0;
  int64_t last_newline = -1;  // -1: none yet
};

class LineCursor {
 public:
  // start describes window.begin(); at (default: start) any offset in the window.
  LineCursor(const ScanWindow& window, LinePosition start) : LineCursor(window, start, start) {}
  LineCursor(const ScanWindow& window, LinePosition start, LinePosition at)
      : window_(window), at_(at), start_last_newline_(start.last_newline) {}
  const LinePosition& position() const { return at_; }
  // Moves to offset (forwards or backwards, within the window).
  const LinePosition& seek(uint64_t offset);
  uint64_t line() const { return at_.newlines + 1; }
  uint64_t column() const { return static_cast<uint64_t>(int64_t(at_.offset) - at_.last_newline); }

 private:
  const ScanWindow& window_;
  LinePosition at_;
  int64_t start_last_newline_;  // the last newline before the window
};

}  // namespace strata
