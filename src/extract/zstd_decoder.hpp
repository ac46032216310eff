// Zstandard decoder: streams every frame of a (possibly multi-frame) blob; truncated or
// corrupt input is an error ("zstd: <reason>").
#pragma once

#include <memory>

#include "strata/core/byte_stream.hpp"

namespace strata {

Result<std::unique_ptr<ByteStream>> make_zstd_decoder(std::unique_ptr<ByteStream> inner);

}  // namespace strata
