#include "location_wording.hpp"

namespace strata {

namespace {

std::string quoted(const std::string& s, bool markdown) { return markdown ? "`" + s + "`" : s; }

}  // namespace

std::string fate_phrase(const Location& l) {
  std::string layer = std::to_string(l.fate.changed_in.value_or(-1));
  switch (l.fate.kind) {
    case FateKind::kPresent:
      return "present in the final image";
    case FateKind::kDeleted:
      return "deleted in layer " + layer + " — still extractable";
    case FateKind::kOverwritten:
      return "overwritten in layer " + layer + " — still extractable";
    case FateKind::kHiddenByOpaque:
      return "hidden by an opaque directory in layer " + layer + " — still extractable";
    case FateKind::kNotInFilesystem:
      break;
  }
  return l.kind == LocationKind::kAttestation ? "stored in an attestation"
                                              : "stored in the image configuration";
}

std::string history_phrase(const Location& l) {
  if (!l.history_step) return "";
  if (!l.history_last) return "history step " + std::to_string(*l.history_step);
  return "history steps " + std::to_string(*l.history_step) + "–" +
         std::to_string(*l.history_last) + " (squashed)";
}

std::string where_phrase(const Location& l, WhereStyle style) {
  std::string s;
  if (l.kind == LocationKind::kLayerFile) {
    s = quoted(l.path, style.markdown) + " in layer " + std::to_string(l.layer_index);
    if (style.layer_digest && !l.layer_digest.empty()) s += " (" + l.layer_digest + ")";
  } else {
    s = l.config_location.empty() ? std::string(location_kind_name(l.kind))
                                  : quoted(l.config_location, style.markdown);
  }
  if (l.history_step) s += ", " + history_phrase(l);
  if (!l.build_arg.empty()) s += ", build arg " + l.build_arg;
  return s;
}

}  // namespace strata
