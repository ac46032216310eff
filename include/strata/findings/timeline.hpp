// Timeline: the fate post-pass. Given every layer's footprint (base first), tells what became
// of a path written by layer i: still present, deleted (whiteout of it or of a parent),
// overwritten (other content, a directory or symlink in its place, or a parent replaced by a
// non-directory), or hidden by an opaque directory — and in which layer.
//
//   Timeline t(footprint_per_layer);
//   Fate f = t.fate_of(2, "app/.env");
//
// Thread safety: immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "strata/findings/finding.hpp"
#include "strata/image/layer_footprint.hpp"

namespace strata {

class Timeline {
 public:
  explicit Timeline(std::vector<const LayerFootprint*> layers);
  Fate fate_of(int layer, const std::string& path) const;

 private:
  std::vector<const LayerFootprint*> layers_;
};

}  // namespace strata
