// Parsing of image JSON: configs (history, diff_ids, platform), history-to-layer mapping, and
// the walk over every string of a JSON document. (A history step's created_by: history_step.hpp.)
//
//   auto cfg = parse_image_config(json_text);            // Result<ImageConfig>
//   map_history_to_layers(cfg->history, layers);         // fills history_first/last
//
// Thread safety: pure functions. Errors name the problem (invalid JSON at byte N, …).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/image/image.hpp"

namespace strata {

struct ImageConfig {
  Platform platform;
  std::vector<HistoryEntry> history;
  std::vector<Digest> diff_ids;
  std::vector<ConfigString> strings;  // every string in the document, located ("config.Env[1]")
};

// `location_prefix` is prepended to the locations of strings other than config/history ones
// ("" for the image config itself).
Result<ImageConfig> parse_image_config(std::string_view json);

// Every string value (and object key=value pairs for maps like Labels) in a JSON document,
// with its JSON path prefixed by `prefix` (e.g. "manifest", "attestation sha256:…").
Result<std::vector<ConfigString>> collect_json_strings(std::string_view json,
                                                       const std::string& prefix);

// Maps non-empty history entries to layers in order. If the counts disagree, leaves every
// layer unmapped and returns false. A layer's range starts after the previous non-empty entry
// (so a squashed build's layer covers all the steps it squashed).
bool map_history_to_layers(const std::vector<HistoryEntry>& history,
                           std::vector<LayerInfo>& layers);

}  // namespace strata
