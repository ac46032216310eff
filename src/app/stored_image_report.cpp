#include "stored_image_report.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

namespace strata::app {

namespace {

// The length SecretValue::redacted() wrote into a preview: "npm_…(40 chars)" -> 40.
size_t length_in_preview(const std::string& preview) {
  size_t open = preview.rfind("…(");
  if (open == std::string::npos) return 0;
  size_t digits = open + std::string("…(").size();
  size_t length = 0;
  for (size_t i = digits;
       i < preview.size() && std::isdigit(static_cast<unsigned char>(preview[i])); ++i) {
    length = length * 10 + static_cast<size_t>(preview[i] - '0');
  }
  return length;
}

Finding finding_of(const StoredFinding& stored) {
  Finding f = stored.finding;
  if (f.secret_is_path) {
    f.secret = SecretValue(stored.preview);
  } else if (f.secret.reveal().empty()) {
    f.secret = SecretValue::withheld(stored.preview, length_in_preview(stored.preview));
  }
  return f;
}

ImageSummary summary_of(const StoredImage& stored) {
  ImageSummary s;
  s.source = stored.reference;
  s.reference = stored.reference;
  s.platform = stored.image.platform;
  s.manifest_digest = stored.image.manifest_digest;
  s.config_digest = stored.image.config_digest;
  s.layers = static_cast<int>(stored.image.layer_digests.size());
  return s;
}

}  // namespace

ScanReport stored_image_report(const std::vector<StoredImageFindings>& images,
                               const RuleSet& rules) {
  ScanReport report;
  report.rules_hash = rules.hash();
  std::map<std::string, size_t> index_of;  // fingerprint -> position in report.findings
  for (const StoredImageFindings& image : images) {
    report.images.push_back(summary_of(image.image));
    ++report.stats.images;
    report.stats.layers += image.image.image.layer_digests.size();
    for (const StoredFinding& stored : image.findings) {
      auto [at, added] = index_of.try_emplace(stored.finding.fingerprint, report.findings.size());
      if (added) {
        report.findings.push_back(finding_of(stored));
        continue;
      }
      Finding& f = report.findings[at->second];
      f.severity = std::max(f.severity, stored.finding.severity);
      f.locations.insert(f.locations.end(), stored.finding.locations.begin(),
                         stored.finding.locations.end());
    }
  }
  for (Finding& f : report.findings) sort_locations(f.locations);
  std::ranges::stable_sort(report.findings, [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return std::tie(a.rule_id, a.fingerprint) < std::tie(b.rule_id, b.fingerprint);
  });
  return report;
}

}  // namespace strata::app
