// ByteStream: a pull-based source of bytes (a blob, a decoded layer, a tar member).
//
//   std::unique_ptr<ByteStream> s = ...;
//   char buf[65536];
//   for (;;) { auto n = s->read(buf, sizeof buf); if (!n) ...; if (*n == 0) break; ... }
//
// read() returns 0 only at the end. Errors are values; a stream that failed stays failed.
// Thread safety: one stream, one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "strata/core/result.hpp"

namespace strata {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  [[nodiscard]] virtual Result<size_t> read(char* buffer, size_t capacity) = 0;

  // A stream that holds its bytes in buffers of its own can lend them instead of copying them
  // out (a decoder then reads a layer blob where it was read): lends() says whether it does,
  // and lend(max) returns the next bytes, at most `max` (> 0), as a view valid until the next
  // call on the stream (empty at the end). Callers use either read() or lend() on one stream.
  virtual bool lends() const { return false; }
  [[nodiscard]] virtual Result<std::string_view> lend(size_t /*max*/) {
    return fail("this stream does not lend its bytes");
  }
};

// A stream over bytes held in memory (tests, small JSON blobs).
class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string data) : data_(std::move(data)) {}
  Result<size_t> read(char* buffer, size_t capacity) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

// A stream over a byte range of a file, read with pread (so many may share one fd).
// length < 0 means "to the end of the file".
Result<std::unique_ptr<ByteStream>> open_file_stream(const std::string& path, int64_t offset = 0,
                                                     int64_t length = -1);

// Reads a whole stream, failing if it holds more than max_bytes.
Result<std::string> read_all(ByteStream& stream, size_t max_bytes);

// A small file's whole contents (rule files, cache entries), read in one piece sized by the
// file; nothing when it cannot be opened or read.
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace strata
