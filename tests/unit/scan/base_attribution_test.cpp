#include "strata/scan/base_attribution.hpp"

#include <gtest/gtest.h>

#include "support/image_summary.hpp"

namespace strata {
namespace {

Image two_layer_image() {
  Image image;
  image.reference = "app:1";
  image.platform = {"linux", "amd64", ""};
  image.history = {{"", "base rootfs", "", "", false},
                   {"", "/bin/sh -c make", "FROM docker.io/library/debian:12", "", false}};
  for (int i = 0; i < 2; ++i) {
    LayerInfo layer;
    layer.index = i;
    layer.history_first = layer.history_last = i;
    image.layers.push_back(layer);
  }
  image.history_mapped = true;
  return image;
}

Location file_in_layer(int layer) {
  Location l;
  l.image = "app:1";
  l.platform = "linux/amd64";
  l.layer_index = layer;
  l.path = "etc/key";
  return l;
}

ScanReport report_with(std::vector<Location> locations) {
  ScanReport report;
  report.images.push_back(test::summary_of("x", 2));
  Finding f;
  f.severity = Severity::kHigh;
  f.locations = std::move(locations);
  report.findings.push_back(f);
  return report;
}

TEST(BaseAttributionTest, MarksLayersAndHistoryStepsByOrigin) {
  Location step;
  step.kind = LocationKind::kConfig;
  step.image = "app:1";
  step.platform = "linux/amd64";
  step.history_step = 1;
  Location env = step;
  env.history_step.reset();
  ScanReport report = report_with({file_in_layer(0), file_in_layer(1), step, env});
  attribute_base_images(report, {two_layer_image()});
  const auto& l = report.findings[0].locations;
  EXPECT_EQ(l[0].origin, LayerOrigin::kBaseImage);
  EXPECT_EQ(l[1].origin, LayerOrigin::kOwnBuild);
  EXPECT_EQ(l[2].origin, LayerOrigin::kOwnBuild);
  EXPECT_EQ(l[3].origin, LayerOrigin::kUnknown);  // Env: base or build, not recorded
  EXPECT_EQ(report.images[0].base_name, "docker.io/library/debian:12");
  EXPECT_EQ(report.images[0].first_own_layer, 1);
}

}  // namespace
}  // namespace strata
