// Fuzzes the layer decoders on their own: the first byte picks gzip or zstd (and whether the
// blob counts as digest-verified, which skips gzip's CRC), the rest is the compressed stream,
// decoded to its end or its first error. Output is capped so a bomb cannot run away.
#include <cstdint>
#include <memory>

#include "fuzz_input.hpp"
#include "strata/extract/layer_walker.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 20)) return -1;
  auto kind = (data[0] & 1) ? strata::Compression::kZstd : strata::Compression::kGzip;
  bool digest_verified = (data[0] & 2) != 0;
  auto blob =
      std::make_unique<strata::MemoryStream>(std::string(fuzz::as_text(data + 1, size - 1)));
  auto decoder = strata::make_decoder(kind, std::move(blob), digest_verified);
  if (!decoder) return 0;
  static char buffer[1 << 16];
  uint64_t total = 0;
  while (total < (64u << 20)) {
    auto n = (*decoder)->read(buffer, sizeof buffer);
    if (!n || *n == 0) break;
    total += *n;
  }
  return 0;
}
