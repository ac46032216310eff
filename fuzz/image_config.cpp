// Fuzzes image config JSON: the config parser (history, diff_ids, platform), the walk over
// every string of a document, and the mapping of history entries to layers.
#include "strata/image/image_config.hpp"

#include <cstdint>
#include <vector>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256 << 10)) return -1;
  std::string_view text = fuzz::as_text(data, size);
  auto strings = strata::collect_json_strings(text, "manifest");
  (void)strings;
  auto config = strata::parse_image_config(text);
  if (!config) return 0;
  std::vector<strata::LayerInfo> layers(config->diff_ids.size());
  strata::map_history_to_layers(config->history, layers);
  return 0;
}
