// How the reports word where a secret is and what became of it, so the text, SARIF and GitLab
// reports say the same thing the same way (the JSON report has the fields instead).
//
//   fate_phrase(l)   "deleted in layer 8 — still extractable"
//   history_phrase(l)   "history step 5"
//   where_phrase(l)  "app/.env in layer 1, history step 5, build arg TOKEN"
//
// Thread safety: pure functions. The phrases quote the location as it is (paths, config
// places); callers redact and make them printable for their format.
#pragma once

#include <string>

#include "strata/findings/finding.hpp"

namespace strata {

// "present in the final image"; "deleted in layer 8 — still extractable" (and overwritten,
// hidden by an opaque directory); "stored in the image configuration" or "stored in an
// attestation" for locations outside the filesystem.
std::string fate_phrase(const Location& l);

// "history step 5", or for a squashed layer "history steps 5–7 (squashed)"; "" without one.
std::string history_phrase(const Location& l);

struct WhereStyle {
  bool markdown = false;      // paths and config places in backticks
  bool layer_digest = false;  // the layer's digest after its index
};

// The place, its history step and build arg: "app/.env in layer 1, history step 5",
// "config.Env[1]", "history[4].created_by, history step 4, build arg TOKEN". With markdown
// and the digest: "`app/.env` in layer 1 (sha256:…), history step 5".
std::string where_phrase(const Location& l, WhereStyle style = {});

}  // namespace strata
