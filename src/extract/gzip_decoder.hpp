// Gzip decoders behind one seam: ISA-L's igzip (the fast default) and zlib (the reference,
// kept for comparison and as a fallback). Both handle multi-member gzip and report truncated
// or corrupt input as errors ("gzip: unexpected end of data"); neither can loop forever.
#pragma once

#include <memory>

#include "strata/core/byte_stream.hpp"

namespace strata {

enum class GzipBackend { kIsal, kZlib };

// `check_crc` false: ISA-L skips the CRC-32 of the output (for blobs already verified against
// a digest; the trailer's length is still checked). zlib always checks it.
Result<std::unique_ptr<ByteStream>> make_gzip_decoder(std::unique_ptr<ByteStream> inner,
                                                      GzipBackend backend = GzipBackend::kIsal,
                                                      bool check_crc = true);

}  // namespace strata
