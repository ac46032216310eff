// Which part of an image came with its base image (FROM) and which from its own build steps.
//
// Recorded facts only, no guessing from timestamps:
//   - the base name and digest: `org.opencontainers.image.base.name` / `.base.digest`, as
//     manifest annotations (buildah, BuildKit with annotations) or config labels;
//   - where the own build starts: buildah records `FROM <base name>` as the comment of the
//     first history entry it adds (later entries say `FROM <12-hex image id>`);
//   - or, when the source also holds the base image itself (matched by manifest digest, or by
//     name), its layer count, if those layers are a prefix of this image's layers.
// Anything else (Docker's classic builder, BuildKit without annotations) stays unknown.
//
//   auto base = find_base_image(image, all_images);
//   if (base && base->first_own_layer) ... layers below it came with the base
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/image/image.hpp"

namespace strata {

struct BaseImage {
  std::string name;    // "docker.io/library/debian:bookworm"; may be empty when only a digest
  std::string digest;  // the base manifest digest, when recorded
  std::optional<int> first_own_step;   // history index of the first own step
  std::optional<int> first_own_layer;  // layer index of the first own layer
};

// `others`: every image of the same source (may include `image`), for a base stored beside it.
std::optional<BaseImage> find_base_image(const Image& image, const std::vector<Image>& others = {});

}  // namespace strata
