// GitLab secret-detection report (security report schema 15.0.x): what GitLab's
// `artifacts: reports: secret_detection` ingests into the merge-request widget and the
// vulnerability report. docs/gitlab.md describes the mapping.
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "location_wording.hpp"
#include "redactor.hpp"
#include "strata/core/digest.hpp"
#include "strata/core/image_path.hpp"
#include "strata/report/reporters.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

namespace strata {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSchemaVersion = "15.0.4";
constexpr const char* kSchemaUri =
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.4/dist/"
    "secret-detection-report-format.json";
// An image has no commit; the schema requires one, and GitLab's own analyzer writes this when
// it scans without history.
constexpr const char* kNoCommit = "0000000";

const char* gitlab_severity(Severity s) {
  switch (s) {
    case Severity::kCritical:
      return "Critical";
    case Severity::kHigh:
      return "High";
    case Severity::kMedium:
      return "Medium";
    case Severity::kLow:
      return "Low";
    case Severity::kInfo:
      return "Info";
  }
  return "Unknown";
}

const char* gitlab_confidence(Confidence c) {
  switch (c) {
    case Confidence::kHigh:
      return "High";
    case Confidence::kMedium:
      return "Medium";
    case Confidence::kLow:
      return "Low";
  }
  return "Unknown";
}

// The schema's date-time pattern: "YYYY-MM-DDTHH:MM:SS", UTC, no zone suffix.
std::string timestamp(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// A stable UUID-shaped id from the finding fingerprint, so GitLab tracks it across pipelines.
std::string vulnerability_id(const Finding& f) {
  std::string h = sha256_of("strata/gitlab/v1\n" + f.fingerprint).hex;
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

// Where GitLab shows the finding: the path inside the image for a layer file (stable across
// rebuilds, unlike the layer index), else the config place.
std::string location_file(const Location& l) {
  if (l.kind == LocationKind::kLayerFile) return normalize_image_path(l.path);
  std::string base = l.kind == LocationKind::kConfig ? "image-config" : "image-attestation";
  return l.config_location.empty() ? base : base + ":" + l.config_location;
}

std::string where_text(const Location& l) {
  return where_phrase(l, {.markdown = true, .layer_digest = true}) + ": " + fate_phrase(l);
}

std::string description(const Finding& f, const Redactor& redact) {
  std::string s = (f.rule_name.empty() ? f.rule_id : f.rule_name) + " found in a container image";
  if (!f.locations.empty() && !f.locations.front().image.empty()) {
    s += " (" + f.locations.front().image + ")";
  }
  s += ".";
  if (!f.secret_is_path) s += " Secret: `" + redact.secret(f.secret) + "`.";
  constexpr size_t kMaxListed = 20;
  s += "\n\nSeen in " + std::to_string(f.locations.size()) + " place" +
       (f.locations.size() == 1 ? "" : "s") + ":";
  for (size_t i = 0; i < f.locations.size() && i < kMaxListed; ++i) {
    s += "\n- " + redact.text(where_text(f.locations[i]));
  }
  if (f.locations.size() > kMaxListed) {
    s += "\n- … and " + std::to_string(f.locations.size() - kMaxListed) + " more";
  }
  return s;
}

// GitLab's schema caps `solution` at 7000 characters and rejects the whole report past it;
// every step may carry a 4 KiB instruction, so the text is clipped below the cap, on a UTF-8
// character boundary, and says so.
constexpr size_t kMaxSolutionBytes = 6000;

std::string clipped(std::string s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  constexpr std::string_view kMore = "\n… (clipped: the JSON or SARIF report has every step)";
  size_t cut = max_bytes - kMore.size();
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += kMore;
  return s;
}

std::string solution(const Finding& f) {
  std::string s;
  for (const RemediationStep& step : f.remediation) {
    if (s.size() > kMaxSolutionBytes) break;  // clipped below anyway
    if (!s.empty()) s += "\n";
    s += "- " + step.text;
    if (!step.after.empty()) s += "\n  `" + step.after + "`";
    if (!step.command.empty()) s += "\n  `" + step.command + "`";
  }
  if (!s.empty()) return clipped(std::move(s), kMaxSolutionBytes);
  return "Rotate (revoke and reissue) the secret: treat it as leaked. Keep it out of the image "
         "with `RUN --mount=type=secret` instead of COPY, ENV or ARG, list secret files in "
         ".dockerignore, then rebuild and republish the image.";
}

Json vulnerability(const Finding& f, const Redactor& redact, bool reveal) {
  Json v;
  v["id"] = vulnerability_id(f);
  v["category"] = "secret_detection";
  v["name"] = f.rule_name.empty() ? f.rule_id : f.rule_name;
  v["description"] = description(f, redact);
  v["severity"] = gitlab_severity(f.severity);
  v["confidence"] = gitlab_confidence(f.confidence);
  v["solution"] = solution(f);
  v["scanner"] = {{"id", "strata"}, {"name", "strata"}};
  if (reveal && !f.secret_is_path) v["raw_source_code_extract"] = f.secret.reveal();
  Json location;
  if (!f.locations.empty()) {
    const Location& l = f.locations.front();
    location["file"] = location_file(l);
    location["start_line"] = l.line > 0 ? l.line : 1;
  } else {
    location["file"] = "image";
    location["start_line"] = 1;
  }
  location["commit"] = {{"sha", kNoCommit}};
  v["location"] = std::move(location);
  v["identifiers"] = Json::array(
      {{{"type", "strata_rule_id"}, {"name", "strata rule " + f.rule_id}, {"value", f.rule_id}}});
  return v;
}

}  // namespace

void write_gitlab_report(const ScanReport& report, std::ostream& out, const ReportOptions& options,
                         std::chrono::system_clock::time_point finished) {
  Redactor redact(report.findings, options.reveal);
  Json vulnerabilities = Json::array();
  for (const Finding& f : report.findings) {
    if (f.suppression) continue;  // GitLab would show it as open: it stays in JSON and SARIF
    vulnerabilities.push_back(vulnerability(f, redact, options.reveal));
  }
  Json messages = Json::array();
  for (const std::string& e : report.errors) {
    messages.push_back({{"level", "warn"}, {"value", redact.text(e)}});
  }
  for (const std::string& w : report.warnings) {
    messages.push_back({{"level", "warn"}, {"value", redact.text(w)}});
  }
  auto took = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(report.stats.seconds > 0 ? report.stats.seconds : 0));
  Json tool = {{"id", "strata"},
               {"name", "strata"},
               {"version", STRATA_VERSION},
               {"vendor", {{"name", "strata"}}}};
  Json scan;
  scan["analyzer"] = tool;
  scan["scanner"] = tool;
  scan["type"] = "secret_detection";
  scan["start_time"] = timestamp(finished - took);
  scan["end_time"] = timestamp(finished);
  scan["status"] = report.errors.empty() ? "success" : "failure";
  if (!messages.empty()) scan["messages"] = messages;

  Json doc;
  doc["version"] = kSchemaVersion;
  doc["schema"] = kSchemaUri;
  doc["scan"] = std::move(scan);
  doc["vulnerabilities"] = std::move(vulnerabilities);
  // Invalid UTF-8 in a path or secret must not abort the report.
  out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

}  // namespace strata
