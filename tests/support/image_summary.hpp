// Test support: the ImageSummary of a plain scanned image, for tests that build a ScanReport by
// hand.
//
//   report.images.push_back(test::summary_of("x.tar", 2));  // "app:1", linux/amd64, 2 layers
#pragma once

#include <string>

#include "strata/findings/scan_report.hpp"

namespace strata::test {

// Image "app:1" for linux/amd64 read from `source`, with its history mapped and no base image.
inline ImageSummary summary_of(std::string source, int layers) {
  ImageSummary image;
  image.source = std::move(source);
  image.reference = "app:1";
  image.platform = "linux/amd64";
  image.layers = layers;
  image.history_mapped = true;
  return image;
}

}  // namespace strata::test
