// Private: the walk over every string of a parsed JSON document, shared by
// collect_json_strings and parse_image_config, and the parse wrapper that turns nlohmann's
// exceptions into Result values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "strata/image/image.hpp"

namespace strata::image_detail {

// Parses JSON; errors read "invalid JSON: <what> at byte N" and never quote the input.
Result<nlohmann::json> parse_json(std::string_view text);

// Appends every string value under `doc` (document order) to `out`, located by JSON path
// below `prefix`.
void collect_strings(const nlohmann::json& doc, const std::string& prefix,
                     std::vector<ConfigString>& out);

}  // namespace strata::image_detail
