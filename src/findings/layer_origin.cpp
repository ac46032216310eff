#include "strata/findings/finding.hpp"

namespace strata {

const char* layer_origin_name(LayerOrigin origin) {
  switch (origin) {
    case LayerOrigin::kBaseImage:
      return "base-image";
    case LayerOrigin::kOwnBuild:
      return "own-build";
    case LayerOrigin::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace strata
