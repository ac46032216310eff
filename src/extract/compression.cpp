// Compression sniffing and the decoder factory of include/strata/extract/layer_walker.hpp.
#include "gzip_decoder.hpp"
#include "strata/extract/layer_walker.hpp"
#include "zstd_decoder.hpp"

namespace strata {

Compression sniff_compression(std::string_view head) {
  if (head.starts_with("\x1f\x8b")) return Compression::kGzip;
  if (head.starts_with("\x28\xb5\x2f\xfd")) return Compression::kZstd;
  return Compression::kNone;
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "none";
}

Result<std::unique_ptr<ByteStream>> make_decoder(Compression c, std::unique_ptr<ByteStream> inner,
                                                 bool digest_verified) {
  if (!inner) return fail("decoder: no input stream");
  switch (c) {
    case Compression::kGzip:
      return make_gzip_decoder(std::move(inner), GzipBackend::kIsal, !digest_verified);
    case Compression::kZstd:
      return make_zstd_decoder(std::move(inner));
    case Compression::kNone:
      break;
  }
  return inner;
}

}  // namespace strata
