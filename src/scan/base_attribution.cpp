#include "strata/scan/base_attribution.hpp"

#include <map>
#include <utility>

#include "strata/image/base_image.hpp"

namespace strata {

namespace {

LayerOrigin origin_of(const Location& l, const BaseImage& base) {
  if (l.kind == LocationKind::kLayerFile) {
    if (!base.first_own_layer || l.layer_index < 0) return LayerOrigin::kUnknown;
    return l.layer_index < *base.first_own_layer ? LayerOrigin::kBaseImage : LayerOrigin::kOwnBuild;
  }
  // Config strings: only history entries have a place in the build; Env or Labels may have
  // been set by either.
  if (!base.first_own_step || !l.history_step) return LayerOrigin::kUnknown;
  return *l.history_step < *base.first_own_step ? LayerOrigin::kBaseImage : LayerOrigin::kOwnBuild;
}

}  // namespace

void attribute_base_images(ScanReport& report, const std::vector<Image>& images) {
  std::map<std::pair<std::string, std::string>, BaseImage> bases;  // (reference, platform)
  for (const Image& image : images) {
    auto base = find_base_image(image, images);
    if (base) bases[{image.reference, image.platform.str()}] = *base;
  }
  if (bases.empty()) return;
  for (ImageSummary& s : report.images) {
    auto it = bases.find({s.reference, s.platform});
    if (it == bases.end()) continue;
    s.base_name = it->second.name;
    s.base_digest = it->second.digest;
    s.first_own_layer = it->second.first_own_layer;
  }
  for (Finding& f : report.findings) {
    for (Location& l : f.locations) {
      auto it = bases.find({l.image, l.platform});
      if (it != bases.end()) l.origin = origin_of(l, it->second);
    }
  }
}

}  // namespace strata
