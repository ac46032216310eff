// Applies the user's --image and --platform choices to a listing. Attestation manifests stay
// when the image they describe stays.
//
//   auto images = select_images(std::move(listing.images), options, "app.tar");
//
// Errors: "no image named X in app.tar; it holds: a:1, b:2", "no image for platform
// linux/s390x in app.tar; it holds: linux/amd64, linux/arm64".
#pragma once

#include <string>
#include <vector>

#include "image_listing.hpp"
#include "strata/source/open_source.hpp"

namespace strata {

Result<std::vector<Image>> select_images(std::vector<ListedImage> listed,
                                         const SourceOptions& options, const std::string& source);

// Whether an image name ("docker.io/library/app:1") answers to a filter ("app:1", "app").
bool image_name_matches(const std::string& name, const std::string& filter);

}  // namespace strata
