// ImageSource: where images come from (docker-archive, OCI layout or archive, a directory…).
//
//   std::unique_ptr<ImageSource> src = *open_image_source("oci:./layout", options);
//   for (const Image& img : *src->images()) {
//     auto blob = src->open_blob(img.layers[0].blob);   // digest verified as it streams
//   }
//
// Thread safety: images() once from one thread; open_blob() may be called from several
// threads at once (each returned stream belongs to one thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/image/image.hpp"

namespace strata {

// Media type of the pseudo-layer a directory source returns: walk the directory named by
// blob.annotations["path"] (walk_directory) instead of calling open_blob().
inline constexpr const char* kDirectoryLayerMediaType = "application/vnd.strata.directory";

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Every image the source holds (every platform of an index, every image of a multi-image
  // archive), attestation manifests included (is_attestation set).
  [[nodiscard]] virtual Result<std::vector<Image>> images() = 0;
  // The stored bytes of a blob, verified against its digest (and size) as they stream: the
  // stream's last read() fails on a mismatch.
  [[nodiscard]] virtual Result<std::unique_ptr<ByteStream>> open_blob(
      const BlobDescriptor& blob) = 0;
  // What the user named, for messages.
  virtual std::string describe() const = 0;
};

}  // namespace strata
