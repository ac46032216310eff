// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers (docs/sarif.md). One run; one
// reportingDescriptor per rule with findings; one result per finding whose first location is
// the primary one and whose other locations are relatedLocations.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "location_fields.hpp"
#include "location_wording.hpp"
#include "redactor.hpp"
#include "remediation_fields.hpp"
#include "strata/core/image_path.hpp"
#include "strata/findings/fingerprint.hpp"
#include "strata/report/reporters.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

namespace strata {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

// GitHub ranks alerts by this CVSS-like score, given as a string.
const char* security_severity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "3.0";
    case Severity::kInfo:
      return "0.0";
  }
  return "0.0";
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    case Severity::kLow:
    case Severity::kInfo:
      return "note";
  }
  return "note";
}

// RFC 3986 path characters stay; every other byte (spaces, '%', '#', '?', non-ASCII) is
// percent-encoded so any layer path gives a valid relative URI.
std::string encode_path(std::string_view path) {
  static constexpr std::string_view kKeep = "-._~!$&'()*+,;=:@/";
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
        kKeep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

std::string artifact_uri(const Location& l) {
  switch (l.kind) {
    case LocationKind::kLayerFile: {
      return "image/" + std::to_string(l.layer_index) + "/" +
             encode_path(normalize_image_path(l.path));
    }
    case LocationKind::kConfig:
      return "image/config.json";
    case LocationKind::kAttestation:
      return "image/attestation.json";
  }
  return "image/config.json";
}

Json location_properties(const Location& l, const Redactor& redact) {
  Json p = location_fields<Json>(l, redact);
  p["fate"] = fate_name(l.fate.kind);
  if (l.fate.changed_in) p["changed_in_layer"] = *l.fate.changed_in;
  if (!l.fingerprint.empty()) p["location_fingerprint"] = l.fingerprint;
  return p;
}

Json physical_location(const Location& l) {
  // GitHub rejects results without region.startLine; config strings and secret files have
  // no line, so they point at line 1.
  Json region;
  region["startLine"] = l.line > 0 ? l.line : 1;
  if (l.line > 0 && l.column > 0) region["startColumn"] = l.column;
  return {{"artifactLocation", {{"uri", artifact_uri(l)}}}, {"region", region}};
}

std::string shown_secret(const Finding& f, const Redactor& redact) {
  return f.secret_is_path ? f.secret.reveal() : redact.secret(f.secret);
}

std::string result_message(const Finding& f, const Redactor& redact) {
  std::string s = f.rule_name.empty() ? f.rule_id : f.rule_name;
  // A secret file's path is already in the location phrase.
  if (!f.secret_is_path) s += " " + shown_secret(f, redact);
  if (!f.locations.empty()) {
    const Location& l = f.locations.front();
    s += " at " + where_phrase(l) + ": " + fate_phrase(l);
    if (f.locations.size() > 1) {
      s += "; seen in " + std::to_string(f.locations.size()) + " places";
    }
  }
  return s + ".";
}

std::string help_markdown(const Rule* rule, const std::string& name) {
  std::string s = "**" + name + "** was found in a container image.";
  if (rule && !rule->description.empty()) s += "\n\n" + rule->description;
  s += "\n\nA secret in any layer or in the image configuration (ENV, build args, history) "
       "can be extracted by anyone who can pull the image, even when a later layer deletes "
       "it.\n\n**Fix:**\n\n1. Rotate (revoke and reissue) the secret: treat it as leaked.\n"
       "2. Keep it out of the image: pass it at build time with "
       "`RUN --mount=type=secret,id=...` instead of `COPY`, `ENV` or `ARG`, and list secret "
       "files in `.dockerignore`.\n3. Rebuild and republish the image, and delete the old tags.";
  if (rule && !rule->references.empty()) {
    s += "\n\n**References:**\n";
    for (const std::string& r : rule->references) s += "\n- " + r;
  }
  return s;
}

std::string help_text(const Rule* rule, const std::string& name) {
  std::string s = name + " was found in a container image.";
  if (rule && !rule->description.empty()) s += " " + rule->description;
  s += " Anyone who can pull the image can extract it, even when a later layer deletes it. "
       "Fix: rotate the secret; keep it out of the image with RUN --mount=type=secret instead "
       "of COPY, ENV or ARG, and list secret files in .dockerignore; rebuild and republish.";
  return s;
}

Json rule_descriptor(const std::string& id, const Rule* rule, const Finding& first) {
  std::string name = rule && !rule->name.empty() ? rule->name : first.rule_name;
  if (name.empty()) name = id;
  Severity severity = rule ? rule->severity : first.severity;
  Confidence confidence = rule ? rule->confidence : first.confidence;
  Json d;
  d["id"] = id;
  d["name"] = name;
  d["shortDescription"] = {{"text", name}};
  d["fullDescription"] = {{"text", rule && !rule->description.empty() ? rule->description : name}};
  for (const std::string& r : rule ? rule->references : std::vector<std::string>{}) {
    if (r.starts_with("https://")) {
      d["helpUri"] = r;
      break;
    }
  }
  d["help"] = {{"text", help_text(rule, name)}, {"markdown", help_markdown(rule, name)}};
  d["defaultConfiguration"] = {{"level", sarif_level(severity)}};
  Json tags = Json::array({"security", "secret"});
  if (rule) {
    for (const std::string& c : rule->categories) tags.push_back(c);
  }
  d["properties"] = {{"security-severity", security_severity(severity)},
                     {"precision", confidence_name(confidence)},
                     {"tags", tags}};
  return d;
}

Json result_json(const Finding& f, int rule_index, const Redactor& redact,
                 const FailPolicy& policy) {
  Json r;
  r["ruleId"] = f.rule_id;
  r["ruleIndex"] = rule_index;
  r["level"] = sarif_level(f.severity);
  r["message"] = {{"text", result_message(f, redact)}};
  Json locations = Json::array();
  Json related = Json::array();
  for (size_t i = 0; i < f.locations.size(); ++i) {
    const Location& l = f.locations[i];
    Json loc;
    if (i > 0) loc["id"] = static_cast<int>(i);
    loc["physicalLocation"] = physical_location(l);
    loc["message"] = {{"text", where_phrase(l) + ": " + fate_phrase(l) + "."}};
    loc["properties"] = location_properties(l, redact);
    (i == 0 ? locations : related).push_back(std::move(loc));
  }
  r["locations"] = std::move(locations);
  if (!related.empty()) r["relatedLocations"] = std::move(related);
  r["partialFingerprints"] = {{std::string(kSarifFingerprintKey), f.fingerprint}};
  if (!f.locations.empty() && !f.locations.front().fingerprint.empty()) {
    r["partialFingerprints"][std::string(kSarifLocationFingerprintKey)] =
        f.locations.front().fingerprint;
  }
  if (f.suppression) {
    r["suppressions"] =
        Json::array({{{"kind", "external"},
                      {"justification", f.suppression->kind + ": " + f.suppression->reason}}});
  }
  Json p;
  p["severity"] = severity_name(f.severity);
  p["confidence"] = confidence_name(f.confidence);
  p["checksum"] = validation_state_name(f.checksum);
  p["finding_kind"] = f.secret_is_path ? "secret-file" : "secret";
  p["secret"] = shown_secret(f, redact);
  p["counts_toward_exit"] = counts_toward_failure(f, policy);
  if (!f.locations.empty()) p.update(location_properties(f.locations.front(), redact));
  r["properties"] = std::move(p);
  return r;
}

// The remediation: a short fix in the message, every step in the result's properties, and
// with --dockerfile the config locations pointing at the Dockerfile (at the instruction's line
// when history mapped to it).
void add_fix(Json& r, const Finding& f, const Redactor& fix_redact, const std::string& dockerfile) {
  if (!f.remediation.empty()) {
    std::string text = r["message"]["text"].get<std::string>();
    r["message"]["text"] = text + " Fix: " + short_fix(f.remediation, fix_redact) + ".";
    r["properties"]["remediation"] = remediation_fields<Json>(f.remediation, fix_redact);
  }
  for (size_t i = 0; i < f.locations.size(); ++i) {
    const Location& l = f.locations[i];
    Json& loc = i == 0 ? r["locations"][0] : r["relatedLocations"][i - 1];
    if (l.dockerfile_line > 0) {
      loc["properties"]["dockerfile_line"] = l.dockerfile_line;
      if (i == 0) r["properties"]["dockerfile_line"] = l.dockerfile_line;
    }
    if (dockerfile.empty() || l.kind != LocationKind::kConfig) continue;
    Json& physical = loc["physicalLocation"];
    physical["artifactLocation"]["uri"] = encode_path(dockerfile);
    physical["region"] = {{"startLine", l.dockerfile_line > 0 ? l.dockerfile_line : 1}};
  }
}

}  // namespace

void write_sarif_report(const ScanReport& report, const RuleSet& rules, std::ostream& out,
                        const ReportOptions& options) {
  Redactor redact(report.findings, options.reveal);
  // Rules in id order so the output does not depend on finding order.
  std::map<std::string, const Finding*> first_of_rule;
  for (const Finding& f : report.findings) first_of_rule.try_emplace(f.rule_id, &f);
  std::map<std::string, int> rule_index;
  Json descriptors = Json::array();
  for (const auto& [id, first] : first_of_rule) {
    rule_index[id] = static_cast<int>(descriptors.size());
    descriptors.push_back(rule_descriptor(id, rules.find(id), *first));
  }
  Json results = Json::array();
  Redactor fix_redact = Redactor::for_fixes(report.findings, options.reveal);
  for (const Finding& f : report.findings) {
    Json r = result_json(f, rule_index.at(f.rule_id), redact, options.fail_policy);
    add_fix(r, f, fix_redact, options.dockerfile);
    results.push_back(std::move(r));
  }
  Json notifications = Json::array();
  for (const std::string& e : report.errors) {
    notifications.push_back({{"level", "error"}, {"message", {{"text", redact.text(e)}}}});
  }
  for (const std::string& w : report.warnings) {
    notifications.push_back({{"level", "warning"}, {"message", {{"text", redact.text(w)}}}});
  }
  Json invocation;
  invocation["executionSuccessful"] = report.errors.empty();
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;

  Json images = Json::array();
  for (const ImageSummary& s : report.images) {
    images.push_back({{"reference", s.reference},
                      {"platform", s.platform},
                      {"manifest_digest", s.manifest_digest},
                      {"config_digest", s.config_digest},
                      {"layers", s.layers}});
  }
  Json run;
  run["tool"] = {{"driver",
                  {{"name", "strata"},
                   {"version", STRATA_VERSION},
                   {"semanticVersion", STRATA_VERSION},
                   {"rules", descriptors}}}};
  run["invocations"] = Json::array({invocation});
  // Columns are byte columns; they equal code points for ASCII text, where secrets live.
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);
  run["properties"] = {{"target", options.target},
                       {"rules_hash", report.rules_hash},
                       {"complete", report.errors.empty()},
                       {"skipped", report.skipped},
                       {"images", images}};
  Json log;
  log["$schema"] = kSchemaUri;
  log["version"] = "2.1.0";
  log["runs"] = Json::array({run});
  // Invalid UTF-8 in a path or secret must not abort the report.
  out << log.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace strata
