#include "strata/findings/finding.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "strata/core/digest.hpp"
#include "strata/image/image_config.hpp"

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

std::string strip_leading_slashes(std::string_view path) {
  while (path.starts_with("./")) path.remove_prefix(2);
  while (path.starts_with('/')) path.remove_prefix(1);
  return std::string(path);
}

// A history step as it would be recorded again by a rebuild of the same Dockerfile: the
// build args' names without their values (a version or a token may differ per build), then
// the command.
std::string rebuild_stable_step(const std::string& created_by) {
  ParsedStep step = parse_history_step(created_by);
  std::string out = "args";
  for (const BuildArg& arg : step.build_args) out += " " + arg.name;
  out += "\n" + step.command;
  return out;
}

// Where a location is, in terms a rebuild keeps: never a layer index or digest, and for a
// history string its instruction rather than its step index (steps shift when the base image
// gains or loses layers). Other config strings keep their JSON path (config.Env[2],
// config.Labels.k), which a rebuild of the same Dockerfile on the same base reproduces.
std::string stable_place(const Location& l) {
  switch (l.kind) {
    case LocationKind::kLayerFile:
      return "path\n" + strip_leading_slashes(l.path);
    case LocationKind::kConfig:
    case LocationKind::kAttestation: {
      std::string_view where = l.config_location;
      // "attestation sha256:abcd….predicate.x" -> ".predicate.x": the blob digest changes with
      // every build.
      if (l.kind == LocationKind::kAttestation && where.starts_with("attestation ")) {
        auto dot = where.find_first_of(".[", 12);
        where = dot == std::string_view::npos ? std::string_view() : where.substr(dot);
      }
      if (l.history_step && !l.created_by.empty() && where.starts_with("history[")) {
        auto close = where.find(']');
        std::string field(close == std::string_view::npos ? std::string_view()
                                                          : where.substr(close + 1));
        return "history" + field + "\n" + rebuild_stable_step(l.created_by);
      }
      return "config\n" + std::string(where);
    }
  }
  return "";
}

auto location_key(const Location& l) {
  return std::tie(l.image, l.platform, l.kind, l.layer_index, l.path, l.line, l.column,
                  l.history_step, l.config_location, l.offset);
}

std::string location_fingerprint(const std::string& finding_fingerprint, const Location& l) {
  std::string material = "strata/location/v1";
  material.push_back('\0');
  material += finding_fingerprint;
  material.push_back('\0');
  material += location_kind_name(l.kind);
  material.push_back('\0');
  material += l.platform;
  material.push_back('\0');
  material += stable_place(l);
  return sha256_of(material).hex.substr(0, 32);
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
    for (Location& l : f.locations) l.fingerprint = location_fingerprint(f.fingerprint, l);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(b.severity, a.rule_id, a.fingerprint) <
           std::make_tuple(a.severity, b.rule_id, b.fingerprint);
  });
  return out;
}

}  // namespace strata
