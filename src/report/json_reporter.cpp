#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

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

// Locations are most of a big report (a placeholder can sit in thousands of files), so they
// are written as text here rather than built as nlohmann objects: five times faster. The
// output is byte for byte what nlohmann's dump(2) gives for the same object, sorted keys
// included; strings with non-ASCII bytes go through nlohmann, for its invalid-UTF-8 handling.
void append_json_string(std::string& out, std::string_view s) {
  if (std::ranges::any_of(s, [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  // Runs of bytes that need no escape are appended whole: reports hold ~10^5 strings.
  auto plain = [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  };
  for (size_t i = 0; i < s.size();) {
    size_t run = i;
    while (run < s.size() && plain(s[run])) ++run;
    out.append(s.substr(i, run - i));
    if (run == s.size()) break;
    char c = s[run];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      }
    }
    i = run + 1;
  }
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// An object of already-rendered values, written with nlohmann's pretty layout at `depth`
// (its members one level deeper), keys in byte order as nlohmann::json's std::map keeps them.
void append_object(std::string& out, std::vector<std::pair<std::string_view, std::string>> fields,
                   int depth) {
  std::ranges::sort(fields, {}, &std::pair<std::string_view, std::string>::first);
  std::string inner(2 * (depth + 1), ' ');
  out += "{\n";
  for (size_t i = 0; i < fields.size(); ++i) {
    out += inner;
    append_json_string(out, fields[i].first);
    out += ": ";
    out += fields[i].second;
    out += i + 1 < fields.size() ? ",\n" : "\n";
  }
  out.append(2 * depth, ' ');
  out += '}';
}

// One location object at `depth`: the shared location fields plus the JSON report's own.
void append_location(std::string& out, const Location& l, const Redactor& redact, int depth) {
  std::vector<std::pair<std::string_view, std::string>> f;
  f.reserve(20);
  visit_location_fields(l, redact, [&](const char* key, const auto& value) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(value)>>) {
      f.emplace_back(key, std::to_string(value));
    } else {
      f.emplace_back(key, json_string(value));
    }
  });
  f.emplace_back("line", std::to_string(l.line));
  f.emplace_back("column", std::to_string(l.column));
  f.emplace_back("offset", std::to_string(l.offset));
  if (l.kind != LocationKind::kLayerFile) {
    f.emplace_back("step_mounts_secret", l.step_mounts_secret ? "true" : "false");
  }
  if (!l.fingerprint.empty()) f.emplace_back("fingerprint", json_string(l.fingerprint));
  if (l.dockerfile_line > 0) f.emplace_back("dockerfile_line", std::to_string(l.dockerfile_line));
  std::vector<std::pair<std::string_view, std::string>> fate;
  fate.emplace_back("kind", json_string(fate_name(l.fate.kind)));
  if (l.fate.changed_in) fate.emplace_back("changed_in_layer", std::to_string(*l.fate.changed_in));
  std::string fate_text;
  append_object(fate_text, std::move(fate), depth + 1);
  f.emplace_back("fate", std::move(fate_text));
  append_object(out, std::move(f), depth);
}

// The "locations" array of a finding dumped at depth 0: the array sits at depth 1.
std::string locations_text(const std::vector<Location>& locations, const Redactor& redact) {
  if (locations.empty()) return "[]";
  std::string out = "[\n";
  for (size_t i = 0; i < locations.size(); ++i) {
    out += "    ";
    append_location(out, locations[i], redact, 2);
    out += i + 1 < locations.size() ? ",\n" : "\n";
  }
  out += "  ]";
  return out;
}

// Stands in for the locations in the nlohmann object; replaced in the dumped text. Its escaped
// form, after the key, cannot come from any other field (quotes inside values are escaped).
constexpr std::string_view kLocationsSlot = "\x01strata-locations\x01";
constexpr std::string_view kLocationsSlotDumped =
    "\"locations\": \"\\u0001strata-locations\\u0001\"";

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
  fj["locations"] = kLocationsSlot;
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
      const Finding& f = report.findings[first + k];
      texts[k] = finding_json(f, redact, fix_redact, options).dump(2, ' ', false, kReplace);
      size_t at = texts[k].find(kLocationsSlotDumped);
      if (at != std::string::npos) {
        size_t value = at + kLocationsSlotDumped.find(": ") + 2;
        texts[k].replace(value, at + kLocationsSlotDumped.size() - value,
                         locations_text(f.locations, redact));
      }
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
