#include <vector>

#include "strata/image/image_config.hpp"

namespace strata {

bool map_history_to_layers(const std::vector<HistoryEntry>& history,
                           std::vector<LayerInfo>& layers) {
  for (LayerInfo& layer : layers) {
    layer.history_first.reset();
    layer.history_last.reset();
  }
  std::vector<int> non_empty;
  for (size_t i = 0; i < history.size(); ++i) {
    if (!history[i].empty_layer) non_empty.push_back(static_cast<int>(i));
  }
  // Guessing would pin a secret on the wrong build step: no mapping is the honest answer.
  if (non_empty.size() != layers.size()) return false;
  int previous = -1;
  for (size_t k = 0; k < layers.size(); ++k) {
    layers[k].history_first = previous + 1;
    layers[k].history_last = non_empty[k];
    previous = non_empty[k];
  }
  return true;
}

}  // namespace strata
