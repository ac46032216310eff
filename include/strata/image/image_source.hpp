// ImageSource: where images come from (docker-archive, OCI layout or archive, a directory, and
// next a registry or a daemon). A source lists its images; each image's layers are Layer
// objects (layer.hpp) that read themselves, so a new source is one more implementation of
// these two interfaces and nothing above them changes.
//
//   std::unique_ptr<ImageSource> src = *open_image_source("oci:./layout", options);
//   for (const Image& img : *src->images()) {
//     auto blob = img.layers[0].layer->compressed();   // digest and size checked as it streams
//   }
//
// Thread safety: images() once from one thread; the layers it returns may be read from
// several threads at once. The layers keep what they read from alive: they may outlive the
// source.
#pragma once

#include <string>
#include <vector>

#include "strata/image/image.hpp"
#include "strata/image/layer.hpp"

namespace strata {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Every image the source holds (every platform of an index, every image of a multi-image
  // archive), attestation manifests included (is_attestation set). Every layer's
  // LayerInfo::layer is set.
  [[nodiscard]] virtual Result<std::vector<Image>> images() = 0;
  // What the user named, for messages.
  virtual std::string describe() const = 0;
};

}  // namespace strata
