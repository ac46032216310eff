#include "scan_window.hpp"

#include <algorithm>
#include <cstring>

namespace strata {
namespace {

// Calls fn(piece, piece_offset) for the window's bytes in [from, to), in order.
template <class Fn>
void for_each_piece(const ScanWindow& w, uint64_t from, uint64_t to, Fn&& fn) {
  uint64_t split = w.chunk_offset();
  if (from < split) {
    uint64_t stop = std::min(to, split);
    fn(w.tail.substr(from - w.tail_offset, stop - from), from);
  }
  if (to > split) {
    uint64_t start = std::max(from, split);
    fn(w.chunk.substr(start - split, to - start), start);
  }
}

}  // namespace

std::string_view ScanWindow::slice(uint64_t from, uint64_t to, std::string& scratch) const {
  uint64_t split = chunk_offset();
  if (from >= split) return chunk.substr(from - split, to - from);
  if (to <= split) return tail.substr(from - tail_offset, to - from);
  scratch.clear();
  for_each_piece(*this, from, to, [&](std::string_view piece, uint64_t) { scratch += piece; });
  return scratch;
}

const LinePosition& LineCursor::seek(uint64_t offset) {
  if (offset >= at_.offset) {
    for_each_piece(window_, at_.offset, offset, [&](std::string_view piece, uint64_t at) {
      at_.newlines += std::count(piece.begin(), piece.end(), '\n');
      if (const void* nl = memrchr(piece.data(), '\n', piece.size())) {
        at_.last_newline = static_cast<int64_t>(at + (static_cast<const char*>(nl) - piece.data()));
      }
    });
    at_.offset = offset;
    return at_;
  }
  // Backwards: uncount [offset, at_), then find the last newline before offset if it moved.
  bool lost_last = false;
  for_each_piece(window_, offset, at_.offset, [&](std::string_view piece, uint64_t) {
    auto n = std::count(piece.begin(), piece.end(), '\n');
    at_.newlines -= n;
    lost_last = lost_last || n > 0;
  });
  at_.offset = offset;
  if (lost_last) {
    // The last newline now lies before offset: in the window, or before it.
    int64_t found = 0;
    bool any = false;
    for_each_piece(window_, window_.begin(), offset, [&](std::string_view piece, uint64_t at) {
      if (const void* nl = memrchr(piece.data(), '\n', piece.size())) {
        found = static_cast<int64_t>(at + (static_cast<const char*>(nl) - piece.data()));
        any = true;
      }
    });
    at_.last_newline = any ? found : start_last_newline_;
  }
  return at_;
}

}  // namespace strata
