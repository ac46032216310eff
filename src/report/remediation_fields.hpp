// A finding's remediation steps as JSON (the JSON report's `remediation`, SARIF's result
// property of the same name) and as one short phrase for a SARIF result message.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "redactor.hpp"

namespace strata {

// Ordered steps with only the fields each has. Redacted again, though no step holds a secret.
template <class Json>
Json remediation_fields(const std::vector<RemediationStep>& steps, const Redactor& redact) {
  Json out = Json::array();
  for (const RemediationStep& s : steps) {
    Json j;
    j["kind"] = s.kind;
    for (auto [key, value] : {std::pair{"text", &s.text}, std::pair{"before", &s.before},
                              std::pair{"after", &s.after}, std::pair{"command", &s.command}}) {
      if (!value->empty()) j[key] = redact.text(*value);
    }
    if (!s.lines.empty()) {
      Json lines = Json::array();
      for (const std::string& line : s.lines) lines.push_back(redact.text(line));
      j["lines"] = std::move(lines);
    }
    out.push_back(std::move(j));
  }
  return out;
}

// "use `RUN --mount=…` with `docker build --secret …`; then rotate the credential": the first
// fix that is not an explanation, for a one-line message. "" when there are no steps.
inline std::string short_fix(const std::vector<RemediationStep>& steps, const Redactor& redact) {
  if (steps.empty()) return "";
  std::string fix;
  for (const RemediationStep& s : steps) {
    if (s.kind == "deleted-file" || s.kind == "rotate") continue;
    if (!s.after.empty()) {
      fix = "use `" + s.after.substr(0, s.after.find('\n')) + "`";
      if (!s.command.empty()) fix += " with `" + s.command + "`";
    } else if (!s.lines.empty()) {
      // A few lines for a one-line message; the step itself lists them all (capped).
      constexpr size_t kShown = 3;
      size_t patterns = 0;
      for (const std::string& line : s.lines) patterns += line.starts_with('#') ? 0 : 1;
      fix = "add";
      for (size_t i = 0; i < std::min(patterns, kShown); ++i) fix += (i ? ", " : " ") + s.lines[i];
      if (patterns > kShown) fix += " and more";
      fix += " to .dockerignore";
    } else if (s.kind == "runtime-env" && !s.command.empty()) {
      fix = "delete `" + s.before + "` and set it at run time (`" + s.command + "`)";
    } else if (!s.before.empty()) {
      fix = "delete `" + s.before + "`";
    }
    if (!fix.empty()) break;
  }
  fix += fix.empty() ? "rotate the credential" : "; then rotate the credential";
  return redact.text(fix);
}

}  // namespace strata
