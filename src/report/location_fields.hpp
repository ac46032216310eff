// The fields that say where a finding is (image, layer or config place, history step, build
// arg), shared by the JSON report and the SARIF properties; each adds its own extras.
#pragma once

#include <nlohmann/json.hpp>

#include "redactor.hpp"

namespace strata {

// Calls add(key, value) for each field, in this order; a value is a const char*, a
// std::string or an int. The JSON report writes them as text, SARIF as an object.
template <class Add>
void visit_location_fields(const Location& l, const Redactor& redact, Add&& add) {
  add("kind", location_kind_name(l.kind));
  add("image", l.image);
  add("platform", l.platform);
  if (l.kind == LocationKind::kLayerFile) {
    add("layer_index", l.layer_index);
    add("layer_digest", l.layer_digest);
    add("path", l.path);
  } else {
    add("config_location", l.config_location);
  }
  if (l.history_step) add("history_step", *l.history_step);
  if (l.history_last) add("history_last", *l.history_last);
  if (!l.created_by.empty()) add("created_by", redact.text(l.created_by));
  if (!l.build_arg.empty()) add("build_arg", l.build_arg);
  add("origin", layer_origin_name(l.origin));
}

// Json: nlohmann::json (sorted keys) or nlohmann::ordered_json (SARIF).
template <class Json>
Json location_fields(const Location& l, const Redactor& redact) {
  Json j;
  visit_location_fields(l, redact, [&](const char* key, const auto& value) { j[key] = value; });
  return j;
}

}  // namespace strata
