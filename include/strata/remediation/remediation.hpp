// Remediation: for each finding, the concrete fix derived from where the image holds the
// secret — the rewritten RUN for a build arg (`RUN --mount=type=secret,…` plus the matching
// `docker build --secret …`), run-time injection for ENV, .dockerignore lines for files from
// the build context, why a deleted file is still there, a narrower `COPY --from`, and always
// rotating the credential at its provider (last). With a Dockerfile, history steps are mapped
// to its lines (Location::dockerfile_line) and rewrites start from the Dockerfile's text.
//
//   auto df = read_dockerfile("Dockerfile");
//   add_remediation(report.findings, {.dockerfile = &*df, .rules = &rules, .images = &images});
//
// Thread safety: a pure transformation of `findings`. No field it writes ever holds a secret
// value, whole or in part: values recorded in history and ENV are replaced by "…", every field
// is scrubbed of every finding's secret (SecretScrubber) and only then clipped to 4 KiB.
// Bounded: builders read a window of each command, and history is classified once per image.
#pragma once

#include <string>
#include <vector>

#include "strata/dockerfile/dockerfile.hpp"
#include "strata/findings/finding.hpp"
#include "strata/image/image.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

struct RemediationContext {
  const Dockerfile* dockerfile = nullptr;      // --dockerfile, when given
  const RuleSet* rules = nullptr;              // for provider names (rule categories)
  const std::vector<Image>* images = nullptr;  // their history: WORKDIRs, deleting steps, mapping
};

// Fills Finding::remediation (suppressed findings get none) and, with a Dockerfile whose
// instructions match an image's history, Location::dockerfile_line.
void add_remediation(std::vector<Finding>& findings, const RemediationContext& ctx);

// "npm", "GitHub", "AWS": the credential's issuer, from the rule's categories and name; "" when
// the rule names none (generic rules, private keys, secret files).
std::string provider_name(const Finding& finding, const RuleSet* rules);

}  // namespace strata
