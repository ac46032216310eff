// Fuzzes reading an image archive as it arrives from a daemon's export or stdin: the archive
// is spooled, indexed as a tar (TarIndex) and read as a docker-archive (manifest.json, legacy
// repositories and <id>/json files, Docker 25+ OCI shape), an OCI archive (index.json,
// oci-layout) or a plain rootfs tar. The first byte picks "anything" or "docker-archive only"
// (what the daemon source asks for). Layers are listed, not walked (layer_walk does that).
#include <cstdint>

#include "fuzz_input.hpp"
#include "strata/source/open_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 20)) return -1;
  auto format =
      (data[0] & 1) ? strata::StreamedArchive::kDockerArchive : strata::StreamedArchive::kAny;
  strata::MemoryStream in(std::string(fuzz::as_text(data + 1, size - 1)));
  auto source = strata::open_archive_stream(in, "docker:fuzz", {}, format);
  if (!source) return 0;
  auto images = (*source)->images();
  (void)images;
  return 0;
}
