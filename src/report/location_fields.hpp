// The fields that say where a finding is (image, layer or config place, history step, build
// arg), shared by the JSON report and the SARIF properties; each adds its own extras.
#pragma once

#include <nlohmann/json.hpp>

#include "redactor.hpp"

namespace strata {

// Json: nlohmann::json (JSON report, sorted keys) or nlohmann::ordered_json (SARIF).
template <class Json>
Json location_fields(const Location& l, const Redactor& redact) {
  Json j;
  j["kind"] = location_kind_name(l.kind);
  j["image"] = l.image;
  j["platform"] = l.platform;
  if (l.kind == LocationKind::kLayerFile) {
    j["layer_index"] = l.layer_index;
    j["layer_digest"] = l.layer_digest;
    j["path"] = l.path;
  } else {
    j["config_location"] = l.config_location;
  }
  if (l.history_step) j["history_step"] = *l.history_step;
  if (l.history_last) j["history_last"] = *l.history_last;
  if (!l.created_by.empty()) j["created_by"] = redact.text(l.created_by);
  if (!l.build_arg.empty()) j["build_arg"] = l.build_arg;
  j["origin"] = layer_origin_name(l.origin);
  return j;
}

}  // namespace strata
