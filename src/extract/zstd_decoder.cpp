#include "zstd_decoder.hpp"

#include <zstd.h>

#include <string>
#include <vector>

namespace strata {
namespace {

constexpr size_t kInputBufferSize = 256 << 10;

struct DctxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

class ZstdDecoder final : public ByteStream {
 public:
  ZstdDecoder(std::unique_ptr<ByteStream> inner, ZSTD_DCtx* dctx)
      : inner_(std::move(inner)), dctx_(dctx), buffer_(kInputBufferSize) {}

  Result<size_t> read(char* buffer, size_t capacity) override {
    if (failed_) return fail(error_);
    if (capacity == 0) return size_t{0};
    for (;;) {
      if (in_.pos == in_.size && !eof_) {
        auto n = inner_->read(buffer_.data(), buffer_.size());
        if (!n) return remember(n.error());
        if (*n == 0) eof_ = true;
        in_ = ZSTD_inBuffer{buffer_.data(), *n, 0};
      }
      bool no_input = in_.pos == in_.size;
      // frame_left_ == 0: every frame so far is complete and flushed.
      if (no_input && eof_ && frame_left_ == 0) return size_t{0};
      ZSTD_outBuffer out{buffer, capacity, 0};
      size_t ret = ZSTD_decompressStream(dctx_.get(), &out, &in_);
      if (ZSTD_isError(ret)) return remember(Error{std::string("zstd: ") + ZSTD_getErrorName(ret)});
      frame_left_ = ret;
      if (out.pos > 0) return out.pos;
      if (no_input && eof_) {
        if (frame_left_ == 0) return size_t{0};
        return remember(Error{"zstd: unexpected end of data"});
      }
    }
  }

 private:
  Result<size_t> remember(Error error) {
    error_ = std::move(error);
    failed_ = true;
    return fail(error_);
  }

  std::unique_ptr<ByteStream> inner_;
  std::unique_ptr<ZSTD_DCtx, DctxDeleter> dctx_;
  std::vector<char> buffer_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  size_t frame_left_ = 1;  // an empty blob is not a zstd stream
  bool eof_ = false;
  bool failed_ = false;
  Error error_;
};

}  // namespace

Result<std::unique_ptr<ByteStream>> make_zstd_decoder(std::unique_ptr<ByteStream> inner) {
  if (!inner) return fail("zstd: no input stream");
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (!dctx) return fail("zstd: out of memory");
  return std::unique_ptr<ByteStream>(new ZstdDecoder(std::move(inner), dctx));
}

}  // namespace strata
