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
//   auto src = open_image_source("oci:./layout", {});   // Result<std::unique_ptr<ImageSource>>
//
// Thread safety: see ImageSource.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "strata/image/image_source.hpp"

namespace strata {

struct SourceOptions {
  // Keep only images whose RepoTags / ref name matches ("name:tag", "name" = any tag).
  std::optional<std::string> image_filter;
  // Keep only this platform (attestation manifests are kept regardless: they describe it).
  std::optional<Platform> platform;
  // Where stdin is spooled (default: $TMPDIR or /tmp).
  std::string temp_dir;
};

Result<std::unique_ptr<ImageSource>> open_image_source(const std::string& reference,
                                                       const SourceOptions& options);

}  // namespace strata
