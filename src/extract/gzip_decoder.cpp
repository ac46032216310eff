#include "gzip_decoder.hpp"

#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace strata {
namespace {

constexpr size_t kInputBufferSize = 256 << 10;
// Both libraries count in 32-bit fields.
constexpr size_t kMaxOutput = std::numeric_limits<uint32_t>::max() / 2;

const char* isal_error_name(int code) {
  switch (code) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER:
      return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "checksum mismatch";
    case ISAL_NEED_DICT:
      return "stream needs a dictionary";
    default:
      return "decoder error";
  }
}

// The input side shared by both backends: a refillable buffer over the inner stream.
class InputBuffer {
 public:
  explicit InputBuffer(std::unique_ptr<ByteStream> inner)
      : inner_(std::move(inner)), lending_(inner_->lends()) {
    if (!lending_) buffer_.resize(kInputBufferSize);
  }

  // Reads the next block (borrowed from a stream that lends, else copied); returns its size
  // (0 at the end of the inner stream). data() points at it until the next refill.
  Result<size_t> refill() {
    if (eof_) return size_t{0};
    size_t n = 0;
    if (lending_) {
      auto view = inner_->lend(kInputBufferSize);
      if (!view) return fail(view.error());
      lent_ = *view;
      n = view->size();
    } else {
      auto copied = inner_->read(buffer_.data(), buffer_.size());
      if (!copied) return fail(copied.error());
      n = *copied;
    }
    if (n == 0) eof_ = true;
    return n;
  }
  // Mutable only for the decoders' input pointers: they never write through them.
  uint8_t* data() {
    return reinterpret_cast<uint8_t*>(lending_ ? const_cast<char*>(lent_.data()) : buffer_.data());
  }
  bool eof() const { return eof_; }

 private:
  std::unique_ptr<ByteStream> inner_;
  bool lending_;
  std::vector<char> buffer_;
  std::string_view lent_;
  bool eof_ = false;
};

// A stream that failed stays failed.
class FailingStream : public ByteStream {
 protected:
  Result<size_t> remember(Error error) {
    error_ = std::move(error);
    failed_ = true;
    return fail(error_);
  }
  bool failed_ = false;
  Error error_;
};

// Each member's header is parsed with isal_read_gzip_header into a header record that lives as
// long as the member: ISA-L's own parsing (crc_flag ISAL_GZIP) keeps the header's flags in a
// record of its own that does not survive a header split across reads, and then mistakes the
// rest of a file name or comment for deflate data. The deflate data follows, with ISA-L
// checking the trailer (ISAL_GZIP_NO_HDR_VER) or, with `check_crc` false (a blob verified
// against its SHA-256 digest as it streams), inflated raw and only the trailer's length checked:
// the CRC-32 is a pass over every decoded byte on the decoding thread, a layer's critical path.
class IsalGzipDecoder final : public FailingStream {
 public:
  IsalGzipDecoder(std::unique_ptr<ByteStream> inner, bool check_crc)
      : input_(std::move(inner)), state_(std::make_unique<inflate_state>()), check_crc_(check_crc) {
    isal_inflate_init(state_.get());
    isal_gzip_header_init(&header_);  // no buffers: name, comment and extra are skipped
  }

  Result<size_t> read(char* buffer, size_t capacity) override {
    if (failed_) return fail(error_);
    if (capacity == 0) return size_t{0};
    capacity = std::min(capacity, kMaxOutput);
    inflate_state& s = *state_;
    for (;;) {
      if (s.block_state == ISAL_BLOCK_FINISH) {
        if (!check_crc_ && !read_trailer()) return fail(error_);
        // A member ended: another may follow (multi-member gzip), or the blob ends here.
        if (!skip_padding()) return fail(error_);
        if (s.avail_in == 0) return size_t{0};
        start_member();
      }
      if (s.avail_in == 0 && !input_.eof() && !refill()) return fail(error_);
      if (!header_read_) {
        int ret = isal_read_gzip_header(&s, &header_);
        if (ret == ISAL_DECOMP_OK) {
          header_read_ = true;
          s.crc_flag = check_crc_ ? ISAL_GZIP_NO_HDR_VER : ISAL_DEFLATE;
        } else if (ret != ISAL_END_INPUT) {
          return remember(Error{std::string("gzip: ") + isal_error_name(ret)});
        } else if (input_.eof()) {
          return remember(Error{"gzip: unexpected end of data"});
        } else if (s.avail_in != 0) {  // wants more input but left some: never loop on it
          return remember(Error{"gzip: decoder made no progress (corrupt data?)"});
        }
        continue;
      }
      uint32_t in_before = s.avail_in;
      s.next_out = reinterpret_cast<uint8_t*>(buffer);
      s.avail_out = static_cast<uint32_t>(capacity);
      int ret = isal_inflate(&s);
      if (ret < 0 || ret == ISAL_NEED_DICT) {
        return remember(Error{std::string("gzip: ") + isal_error_name(ret)});
      }
      size_t produced = capacity - s.avail_out;
      if (produced > 0) return produced;
      if (s.block_state == ISAL_BLOCK_FINISH) continue;
      if (s.avail_in == 0 && input_.eof()) {
        return remember(Error{"gzip: unexpected end of data"});
      }
      if (s.avail_in != 0 && s.avail_in == in_before) {
        return remember(Error{"gzip: decoder made no progress (corrupt data?)"});
      }
    }
  }

 private:
  bool refill() {
    auto n = input_.refill();
    if (!n) {
      remember(n.error());
      return false;
    }
    state_->next_in = input_.data();
    state_->avail_in = static_cast<uint32_t>(*n);
    return true;
  }

  // The 8-byte trailer after raw deflate data: CRC-32 (not checked) and the length mod 2^32.
  // Inflate reads ahead into its bit buffer, so the trailer's first bytes may be there (at most
  // 8 whole bytes: all of them the trailer's), the rest follow at next_in. Called once per
  // member: the read after the last member finds the trailer complete and the bit buffer empty.
  bool read_trailer() {
    uint64_t bits = state_->read_in;
    int32_t count = state_->read_in_length;
    bits >>= count % 8;  // the rest of the deflate data's last byte
    count -= count % 8;
    for (; count >= 8 && trailer_have_ < trailer_.size(); count -= 8, bits >>= 8) {
      trailer_[trailer_have_++] = static_cast<uint8_t>(bits & 0xff);
    }
    state_->read_in = 0;
    state_->read_in_length = 0;
    while (trailer_have_ < trailer_.size()) {
      if (state_->avail_in == 0) {
        if (input_.eof()) {
          remember(Error{"gzip: unexpected end of data"});
          return false;
        }
        if (!refill()) return false;
        continue;
      }
      trailer_[trailer_have_++] = *state_->next_in++;
      --state_->avail_in;
    }
    uint32_t length = 0;
    for (int i = 7; i >= 4; --i) length = (length << 8) | trailer_[i];
    if (length != static_cast<uint32_t>(state_->total_out)) {
      remember(Error{"gzip: length mismatch"});
      return false;
    }
    return true;
  }

  // Skips zero bytes after a member (padding some writers add, which gzip(1) also ignores);
  // afterwards avail_in is 0 only at the end of the blob.
  bool skip_padding() {
    for (;;) {
      while (state_->avail_in > 0 && *state_->next_in == 0) {
        ++state_->next_in;
        --state_->avail_in;
      }
      if (state_->avail_in > 0 || input_.eof()) return true;
      if (!refill()) return false;
    }
  }

  void start_member() {
    uint8_t* next_in = state_->next_in;
    uint32_t avail_in = state_->avail_in;
    isal_inflate_reset(state_.get());
    state_->next_in = next_in;
    state_->avail_in = avail_in;
    isal_gzip_header_init(&header_);
    header_read_ = false;
    trailer_have_ = 0;
  }

  InputBuffer input_;
  std::unique_ptr<inflate_state> state_;  // large (~tens of KiB): keep it off the stack
  bool check_crc_;
  isal_gzip_header header_{};
  bool header_read_ = false;
  std::array<uint8_t, 8> trailer_{};
  size_t trailer_have_ = 0;
};

class ZlibGzipDecoder final : public FailingStream {
 public:
  explicit ZlibGzipDecoder(std::unique_ptr<ByteStream> inner) : input_(std::move(inner)) {}
  ~ZlibGzipDecoder() override {
    if (initialized_) inflateEnd(&zs_);
  }

  Status init() {
    // 15 + 32: largest window, gzip or zlib header detected automatically.
    if (inflateInit2(&zs_, 15 + 32) != Z_OK) return fail("gzip: zlib init failed");
    initialized_ = true;
    return {};
  }

  Result<size_t> read(char* buffer, size_t capacity) override {
    if (failed_) return fail(error_);
    if (capacity == 0) return size_t{0};
    capacity = std::min(capacity, kMaxOutput);
    for (;;) {
      if (member_done_) {
        if (!skip_padding()) return fail(error_);
        if (zs_.avail_in == 0) return size_t{0};
        inflateReset(&zs_);
        member_done_ = false;
      }
      if (zs_.avail_in == 0 && !input_.eof() && !refill()) return fail(error_);
      uint32_t in_before = zs_.avail_in;
      zs_.next_out = reinterpret_cast<Bytef*>(buffer);
      zs_.avail_out = static_cast<uInt>(capacity);
      int ret = inflate(&zs_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        member_done_ = true;
      } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
        return remember(Error{std::string("gzip: ") + (zs_.msg ? zs_.msg : "corrupt data")});
      }
      size_t produced = capacity - zs_.avail_out;
      if (produced > 0) return produced;
      if (member_done_) continue;
      if (zs_.avail_in == 0 && input_.eof()) {
        return remember(Error{"gzip: unexpected end of data"});
      }
      if (zs_.avail_in != 0 && zs_.avail_in == in_before) {
        return remember(Error{"gzip: decoder made no progress (corrupt data?)"});
      }
    }
  }

 private:
  bool refill() {
    auto n = input_.refill();
    if (!n) {
      remember(n.error());
      return false;
    }
    zs_.next_in = input_.data();
    zs_.avail_in = static_cast<uInt>(*n);
    return true;
  }

  // As IsalGzipDecoder::skip_padding.
  bool skip_padding() {
    for (;;) {
      while (zs_.avail_in > 0 && *zs_.next_in == 0) {
        ++zs_.next_in;
        --zs_.avail_in;
      }
      if (zs_.avail_in > 0 || input_.eof()) return true;
      if (!refill()) return false;
    }
  }

  InputBuffer input_;
  z_stream zs_{};
  bool initialized_ = false;
  bool member_done_ = false;
};

}  // namespace

Result<std::unique_ptr<ByteStream>> make_gzip_decoder(std::unique_ptr<ByteStream> inner,
                                                      GzipBackend backend, bool check_crc) {
  if (!inner) return fail("gzip: no input stream");
  if (backend == GzipBackend::kIsal) {
    return std::unique_ptr<ByteStream>(new IsalGzipDecoder(std::move(inner), check_crc));
  }
  auto decoder = std::make_unique<ZlibGzipDecoder>(std::move(inner));
  if (auto st = decoder->init(); !st) return fail(st.error());
  return std::unique_ptr<ByteStream>(std::move(decoder));
}

}  // namespace strata
