// After a scan: says, for every location, whether it came with the base image or from the
// image's own build (base_image.hpp has the rules), and records each image's base in its
// summary. Locations it cannot place stay LayerOrigin::kUnknown.
#pragma once

#include <vector>

#include "strata/findings/scan_report.hpp"
#include "strata/image/image.hpp"

namespace strata {

void attribute_base_images(ScanReport& report, const std::vector<Image>& images);

}  // namespace strata
