#include "strata/findings/finding.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "strata/core/digest.hpp"

namespace strata {

const char* fate_name(FateKind kind) {
  switch (kind) {
    case FateKind::kPresent:
      return "present";
    case FateKind::kDeleted:
      return "deleted";
    case FateKind::kOverwritten:
      return "overwritten";
    case FateKind::kHiddenByOpaque:
      return "hidden-by-opaque-dir";
    case FateKind::kNotInFilesystem:
      return "not-in-filesystem";
  }
  return "unknown";
}

const char* location_kind_name(LocationKind kind) {
  switch (kind) {
    case LocationKind::kLayerFile:
      return "layer-file";
    case LocationKind::kConfig:
      return "config";
    case LocationKind::kAttestation:
      return "attestation";
  }
  return "unknown";
}

std::string finding_fingerprint(const std::string& rule_id, const SecretValue& secret) {
  std::string material = "strata/v1";
  material.push_back('\0');
  material += rule_id;
  material.push_back('\0');
  material += secret.reveal();
  return sha256_of(material).hex.substr(0, 32);
}

namespace {

auto location_key(const Location& l) {
  return std::tie(l.image, l.platform, l.kind, l.layer_index, l.path, l.line, l.column,
                  l.history_step, l.config_location, l.offset);
}

}  // namespace

std::vector<Finding> merge_findings(std::vector<Finding> findings) {
  std::map<std::pair<std::string, std::string>, Finding> merged;
  for (Finding& f : findings) {
    auto key = std::make_pair(f.rule_id, f.secret.reveal());
    auto [it, inserted] = merged.try_emplace(key, std::move(f));
    if (!inserted) {
      for (Location& l : f.locations) it->second.locations.push_back(std::move(l));
      it->second.confidence = std::max(it->second.confidence, f.confidence);
    }
  }
  std::vector<Finding> out;
  out.reserve(merged.size());
  for (auto& [key, f] : merged) {
    if (f.fingerprint.empty()) f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
    std::sort(f.locations.begin(), f.locations.end(), [](const Location& a, const Location& b) {
      return location_key(a) < location_key(b);
    });
    f.locations.erase(std::unique(f.locations.begin(), f.locations.end(),
                                  [](const Location& a, const Location& b) {
                                    return location_key(a) == location_key(b);
                                  }),
                      f.locations.end());
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(b.severity, a.rule_id, a.fingerprint) <
           std::make_tuple(a.severity, b.rule_id, b.fingerprint);
  });
  return out;
}

}  // namespace strata
