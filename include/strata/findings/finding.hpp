// Findings: one per distinct secret (rule + value), with every place it was seen.
//
//   Finding f; f.rule_id = "npm.access-token"; f.secret = SecretValue(value);
//   f.locations.push_back(Location{...});
//   f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/secret_value.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

enum class FateKind {
  kPresent,         // still in the final filesystem
  kDeleted,         // a whiteout (of the file or a parent directory) in layer `changed_in`
  kOverwritten,     // replaced by other content, a directory or a symlink in `changed_in`
  kHiddenByOpaque,  // an opaque directory in `changed_in` hides it
  kNotInFilesystem  // config and attestation locations: no filesystem fate
};
const char* fate_name(FateKind kind);  // "present", "deleted", …

struct Fate {
  FateKind kind = FateKind::kPresent;
  std::optional<int> changed_in;  // layer index
};

// Whether a location came with the base image (FROM) or from the image's own build steps;
// base_image.hpp decides, from the recorded base name and history.
enum class LayerOrigin { kUnknown, kBaseImage, kOwnBuild };
const char* layer_origin_name(LayerOrigin origin);  // "unknown", "base-image", "own-build"

enum class LocationKind { kLayerFile, kConfig, kAttestation };
const char* location_kind_name(LocationKind kind);  // "layer-file", "config", "attestation"

struct Location {
  LocationKind kind = LocationKind::kLayerFile;
  std::string image;     // Image::reference
  std::string platform;  // "linux/amd64"
  // Layer files:
  int layer_index = -1;
  std::string layer_digest;
  std::string path;  // inside the layer; nested archives read "a.jar!/b.properties"
  uint64_t offset = 0;
  uint64_t line = 0;
  uint64_t column = 0;
  // The history step that made the layer, or where a config string lives:
  std::optional<int> history_step;
  std::optional<int> history_last;  // squashed builds: the range's last step
  std::string created_by;
  // Config and attestation strings:
  std::string config_location;  // "config.Env[1]", "history[7].created_by"
  std::string build_arg;        // set when the secret is the value of a build arg
  bool step_mounts_secret = false;
  Fate fate;
  // With --dockerfile: the 1-based line of the Dockerfile instruction that made this step
  // (0: unknown). SARIF then points config locations at the Dockerfile.
  int dockerfile_line = 0;
  LayerOrigin origin = LayerOrigin::kUnknown;
  // Stable across rebuilds (no layer digest): finding fingerprint + where in the image
  // (path or config location). Set by merge_findings.
  std::string fingerprint;
};

// One concrete fix, derived from where the secret was found (src/remediation computes it).
// Never holds the secret value: rewritten instructions drop or mount it.
struct RemediationStep {
  std::string kind;     // "build-secret", "build-secret-file", "runtime-env", "dockerignore",
                        // "deleted-file", "copy-from", "rotate"
  std::string text;     // one or two sentences for people
  std::string before;   // the instruction as recorded (history or Dockerfile), when rewritten
  std::string after;    // the rewritten Dockerfile line(s)
  std::string command;  // e.g. "docker build --secret id=npm_token,env=NPM_TOKEN ."
  std::vector<std::string> lines;  // e.g. .dockerignore entries
};

struct Suppression {
  // "rule-allow", "low-entropy", "known-public", "default-path-allowlist", "ignore-file",
  // "baseline"
  std::string kind;
  std::string reason;  // why: the list entry or the path pattern
};

struct Finding {
  std::string rule_id;
  std::string rule_name;
  Severity severity = Severity::kHigh;
  Confidence confidence = Confidence::kMedium;
  // The secret's offline checksum (valid raises confidence to high, invalid lowers it to low).
  ValidationState checksum = ValidationState::kNotApplicable;
  SecretValue secret;
  // Secret-file findings (.env, id_rsa, …): the "secret" is the file's path, shown as is.
  bool secret_is_path = false;
  // Set when the finding is kept but does not count toward exit code 1: a secret that is
  // public on purpose (known_public.hpp), or a generic rule's match in a path of the default
  // allowlist (path_allowlist.hpp). Suppressed findings stay in JSON and behind a flag in text.
  std::optional<Suppression> suppression;
  std::string fingerprint;  // stable across rebuilds: from rule id and secret only
  std::vector<Location> locations;
  std::vector<RemediationStep> remediation;  // ordered; "rotate" last
};

// 32 hex digits from rule id and secret: sha256 of "strata/v1\0<rule id>\0<secret>" for
// secrets of 16+ bytes, PBKDF2 for shorter ones (fingerprint.hpp; docs/triage.md).
std::string finding_fingerprint(const std::string& rule_id, const SecretValue& secret);

// Short secrets (slow PBKDF2 fingerprints, fingerprint.hpp) past this many in one scan get
// a one-off fingerprint instead, so an image made to hold thousands of weak passwords still
// scans in bounded time; such findings count as new in every run.
inline constexpr size_t kMaxSlowFingerprints = 4096;

struct MergeStats {
  size_t unmatched_fingerprints = 0;  // findings given a one-off fingerprint (see above)
};

class FingerprintCache;

// Sorts one finding's locations as merge_findings does (image, platform, kind, layer, path, line,
// …), for findings rebuilt elsewhere (a findings store).
void sort_locations(std::vector<Location>& locations);

// Merges matches of the same (rule, secret) into one finding, keeping the highest severity and
// confidence among them (a secret file escalated in one layer only); sorts findings and locations
// deterministically (severity desc, rule id, fingerprint; locations by image, layer, path, line).
// Slow fingerprints already in `prepared` are taken from there.
std::vector<Finding> merge_findings(std::vector<Finding> findings, MergeStats* stats = nullptr,
                                    size_t max_slow_fingerprints = kMaxSlowFingerprints,
                                    const FingerprintCache* prepared = nullptr);

}  // namespace strata
