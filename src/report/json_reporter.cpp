#include <algorithm>
#include <nlohmann/json.hpp>

#include "location_fields.hpp"
#include "redactor.hpp"
#include "remediation_fields.hpp"
#include "strata/core/parallel_for.hpp"
#include "strata/report/reporters.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

namespace strata {

namespace {

constexpr int kSchemaVersion = 1;

nlohmann::json location_json(const Location& l, const Redactor& redact) {
  nlohmann::json j = location_fields<nlohmann::json>(l, redact);
  j["line"] = l.line;
  j["column"] = l.column;
  j["offset"] = l.offset;
  if (l.kind != LocationKind::kLayerFile) j["step_mounts_secret"] = l.step_mounts_secret;
  if (!l.fingerprint.empty()) j["fingerprint"] = l.fingerprint;
  if (l.dockerfile_line > 0) j["dockerfile_line"] = l.dockerfile_line;
  nlohmann::json fate;
  fate["kind"] = fate_name(l.fate.kind);
  if (l.fate.changed_in) fate["changed_in_layer"] = *l.fate.changed_in;
  j["fate"] = std::move(fate);
  return j;
}

nlohmann::json finding_json(const Finding& f, const Redactor& redact, const Redactor& fix_redact,
                            const ReportOptions& options) {
  nlohmann::json fj;
  fj["rule_id"] = f.rule_id;
  fj["rule_name"] = f.rule_name;
  fj["severity"] = severity_name(f.severity);
  fj["confidence"] = confidence_name(f.confidence);
  fj["validation"] = {{"checksum", validation_state_name(f.checksum)}};
  fj["fingerprint"] = f.fingerprint;
  fj["kind"] = f.secret_is_path ? "secret-file" : "secret";
  if (f.secret_is_path) {
    fj["secret"] = {{"path", f.secret.reveal()}};
  } else {
    fj["secret"] = {{"redacted", f.secret.redacted()}, {"length", f.secret.size()}};
    if (options.reveal) fj["secret"]["value"] = f.secret.reveal();
  }
  fj["counts_toward_exit"] = counts_toward_failure(f, options.fail_policy);
  if (f.suppression) {
    fj["suppression"] = {{"kind", f.suppression->kind}, {"reason", f.suppression->reason}};
  }
  nlohmann::json locations = nlohmann::json::array();
  for (const Location& l : f.locations) locations.push_back(location_json(l, redact));
  fj["locations"] = std::move(locations);
  if (!f.remediation.empty()) {
    fj["remediation"] = remediation_fields<nlohmann::json>(f.remediation, fix_redact);
  }
  return fj;
}

}  // namespace

void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options) {
  Redactor redact(report.findings, options.reveal);
  nlohmann::json j;
  j["schema_version"] = kSchemaVersion;
  j["tool"] = {{"name", "strata"}, {"version", STRATA_VERSION}};
  j["target"] = options.target;
  j["rules_hash"] = report.rules_hash;
  j["complete"] = report.errors.empty();
  nlohmann::json errors = nlohmann::json::array();
  for (const std::string& e : report.errors) errors.push_back(redact.text(e));
  j["errors"] = errors;
  j["skipped"] = report.skipped;
  nlohmann::json warnings = nlohmann::json::array();
  for (const std::string& w : report.warnings) warnings.push_back(redact.text(w));
  j["warnings"] = warnings;
  nlohmann::json images = nlohmann::json::array();
  for (const ImageSummary& s : report.images) {
    images.push_back({{"source", s.source},
                      {"reference", s.reference},
                      {"platform", s.platform},
                      {"manifest_digest", s.manifest_digest},
                      {"config_digest", s.config_digest},
                      {"attestation", s.is_attestation},
                      {"layers", s.layers},
                      {"history_mapped", s.history_mapped}});
    if (!s.base_name.empty() || !s.base_digest.empty()) {
      nlohmann::json base = {{"name", s.base_name}, {"digest", s.base_digest}};
      if (s.first_own_layer) base["first_own_layer"] = *s.first_own_layer;
      images.back()["base_image"] = base;
    }
  }
  j["images"] = images;
  j["stats"] = {{"images", report.stats.images},
                {"layers", report.stats.layers},
                {"files", report.stats.files},
                {"bytes_compressed", report.stats.bytes_compressed},
                {"bytes_scanned", report.stats.bytes_scanned},
                {"config_strings", report.stats.config_strings},
                {"seconds", report.stats.seconds}};
  Redactor fix_redact = Redactor::for_fixes(report.findings, options.reveal);
  // Findings are written a batch at a time into the document's "findings": [] slot, so memory
  // holds one batch's JSON, not the whole report's (a big image has many thousands). A batch
  // is built on every core: on a big image this text is most of the time after the scan.
  j["findings"] = nlohmann::json::array();
  // Invalid UTF-8 in a path or secret must not abort the report.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string frame = j.dump(2, ' ', false, kReplace);
  constexpr std::string_view kSlot = "\"findings\": []";
  size_t slot = frame.find(kSlot);  // unescaped quotes: never inside a string value
  if (report.findings.empty() || slot == std::string::npos) {
    out << frame << "\n";
    return;
  }
  out.write(frame.data(), static_cast<std::streamsize>(slot + kSlot.size() - 1));
  constexpr size_t kBatch = 64;
  std::vector<std::string> texts;
  for (size_t first = 0; first < report.findings.size(); first += kBatch) {
    texts.assign(std::min(kBatch, report.findings.size() - first), {});
    parallel_for(texts.size(), core_count(), [&](size_t k) {
      texts[k] = finding_json(report.findings[first + k], redact, fix_redact, options)
                     .dump(2, ' ', false, kReplace);
    });
    for (size_t k = 0; k < texts.size(); ++k) {
      out << (first + k ? ",\n    " : "\n    ");
      // Indents each line by the four columns of its slot, a line at a time (a byte-wise
      // ostream loop was a tenth of a big scan's single-thread time).
      std::string_view rest = texts[k];
      for (size_t nl; (nl = rest.find('\n')) != std::string_view::npos;
           rest.remove_prefix(nl + 1)) {
        out.write(rest.data(), static_cast<std::streamsize>(nl));
        out << "\n    ";
      }
      out.write(rest.data(), static_cast<std::streamsize>(rest.size()));
    }
  }
  out << "\n  ]" << std::string_view(frame).substr(slot + kSlot.size()) << "\n";
}

}  // namespace strata
