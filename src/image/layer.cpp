#include "strata/image/layer.hpp"

namespace strata {

std::string Layer::key() const {
  if (!descriptor_.digest.empty()) return descriptor_.digest.str();
  std::optional<std::string> root = unpacked_root();
  return "path:" + root.value_or("");
}

std::string Layer::short_name() const {
  return descriptor_.digest.empty() ? key() : descriptor_.digest.short_str();
}

}  // namespace strata
