// Opening an image source from what the user typed:
//
//   ./app.docker.tar         docker save output (legacy or Docker 25+ OCI shape), or an
//                            oci-archive, or a plain rootfs tar (one layer) — decided by content
//   oci:./layout             OCI image layout directory
//   oci-archive:./x.oci.tar  OCI archive
//   docker-archive:./x.tar   docker save output
//   ./rootfs/                a plain directory (one layer)
//   -                        standard input, spooled to a temporary file
//
// and, for archives that arrive as a stream (a daemon's image export), open_archive_stream.
//
//   auto src = open_image_source("oci:./layout", {});   // Result<std::unique_ptr<ImageSource>>
//
// Thread safety: see ImageSource.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "strata/core/byte_stream.hpp"
#include "strata/image/image_source.hpp"

namespace strata {

struct SourceOptions {
  // Keep only images whose RepoTags / ref name matches ("name:tag", "name" = any tag).
  std::optional<std::string> image_filter;
  // Keep only this platform (attestation manifests are kept regardless: they describe it).
  std::optional<Platform> platform;
  // Where stdin and streamed archives are spooled (default: $TMPDIR, else /tmp). The file has
  // no name on disk (see open_archive_stream).
  std::string temp_dir;
};

Result<std::unique_ptr<ImageSource>> open_image_source(const std::string& reference,
                                                       const SourceOptions& options);

// What a streamed archive must be: anything a file may be (stdin), or a docker-archive (a
// daemon's export: a stream cut short then fails as such instead of passing for a plain tar).
enum class StreamedArchive { kAny, kDockerArchive };

// Spools `in` (an archive arriving as a stream) to a private temporary file in
// options.temp_dir that has no name on disk, so nothing is left behind on any exit (SIGKILL
// included), and opens it as `format` says, by content like a file. `source_name` is what the
// user typed: it is the source's describe() and names it in errors. Reads `in` to its end
// before returning.
Result<std::unique_ptr<ImageSource>> open_archive_stream(
    ByteStream& in, const std::string& source_name, const SourceOptions& options,
    StreamedArchive format = StreamedArchive::kAny);

}  // namespace strata
