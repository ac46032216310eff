#include "strata/findings/secrets_to_hide.hpp"

namespace strata {

std::vector<SecretScrubber::Secret> secrets_to_hide(const std::vector<Finding>& findings,
                                                    bool keep_placeholders) {
  std::vector<SecretScrubber::Secret> out;
  for (const Finding& f : findings) {
    if (f.secret.reveal().empty() || f.secret_is_path) continue;
    bool placeholder = f.suppression && f.suppression->kind == "rule-allow";
    if (keep_placeholders && placeholder) continue;
    out.push_back({f.secret.reveal(), f.secret.redacted()});
  }
  return out;
}

}  // namespace strata
