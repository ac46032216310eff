// Sources with one pseudo-image of one layer: a plain rootfs tar (possibly compressed; the
// walker sniffs that) whose blob digest is the file's sha256, and a plain directory whose
// layer is walked in place (Layer::unpacked_root).
#pragma once

#include <memory>
#include <string>

#include "strata/source/open_source.hpp"
#include "temp_file.hpp"

namespace strata {

inline constexpr const char* kRootfsTarMediaType = "application/vnd.oci.image.layer.v1.tar";

// Hashes the file now, so the layer has a digest before anything streams.
Result<std::unique_ptr<ImageSource>> open_rootfs_tar(const std::string& path, std::string source,
                                                     const std::string& media_type,
                                                     std::shared_ptr<TempFile> spool);

std::unique_ptr<ImageSource> open_directory(const std::string& path, std::string source);

}  // namespace strata
