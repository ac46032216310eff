// The values the findings store takes and gives back (store.hpp): images of a sweep, cached
// layer and config scans, the findings of one layer, query filters and answers.
//
//   ImageRecord image{.registry = "registry.example.com", .repository = "team/app", .tag = "1.4",
//                     .manifest_digest = "sha256:…", .platform = "linux/amd64", …};
//   QueryFilter filter; filter.fingerprint = "1f668f909d1e";  // a prefix
//
// Thread safety: plain values. Times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/core/secret_value.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

// One image (one platform of a manifest) as a sweep saw it.
struct ImageRecord {
  std::string registry;         // "registry.example.com:5000"
  std::string repository;       // "team/app"
  std::string tag = {};         // empty when the image was named by digest
  std::string manifest_digest;  // the digest the reference resolved to
  std::string platform;         // "linux/amd64"
  std::string config_digest;
  std::string created;                          // the config's "created" (RFC 3339), may be empty
  std::vector<std::string> layer_digests = {};  // base first
};

// A stored image with its id (image_findings answers with these).
struct StoredImage {
  int64_t id = 0;
  ImageRecord image;      // tag: one of its tags (the first by name), empty when it has none
  std::string reference;  // "registry/repository:tag", or "registry/repository@digest"
};

// A layer blob (or an image config) scanned with one rule set: the scan cache's entry.
// `payload` is opaque to the store (the scan serializes its per-layer result into it) and may
// hold any bytes, NULs included.
struct BlobScanRecord {
  std::string digest;  // layer blob digest, or config digest
  std::string rules_hash;
  std::string scanner_version;
  int64_t scanned_at = 0;  // set by the store when recorded
  std::string payload;
};
using LayerScanRecord = BlobScanRecord;
using ConfigScanRecord = BlobScanRecord;

// One match of a layer (or config) scan, recorded with its scan.
struct BlobFinding {
  std::string rule_id;
  std::string rule_name;
  std::string fingerprint;  // finding_fingerprint(rule id, secret)
  Severity severity = Severity::kHigh;
  std::string path;  // inside the layer ("a.jar!/b.properties"); for configs the config location
  uint64_t line = 0;
  std::string preview;  // already redacted by the caller
  SecretValue secret;   // keyed-hashed; kept raw only when the store was opened to store secrets
  bool secret_is_path = false;  // a secret file: the "secret" is its path
  ValidationState checksum = ValidationState::kNotApplicable;
};

struct SweepCounts {
  int64_t images = 0;
  int64_t layers = 0;          // distinct layers the sweep needed
  int64_t layers_scanned = 0;  // of those, scanned now (the rest came from the cache)
  int64_t findings = 0;
  int64_t errors = 0;
};

struct SweepRecord {
  int64_t id = 0;
  std::string registry;  // empty for sweeps of listed references
  int64_t started_at = 0;
  std::optional<int64_t> ended_at;  // unset while running (or when the sweep was killed)
  SweepCounts counts;
};

// A unit of a sweep's shared work queue (a layer to scan, …): `key` names it within its
// sweep and kind (a layer digest); `payload` is what the worker needs to do it (opaque bytes).
struct WorkItem {
  std::string kind;  // "layer", "config", …
  std::string key;
  std::string payload;
};

// The items of one sweep and kind by state. A claim whose lease has expired counts as pending:
// the next claim_work hands it out again.
struct WorkCounts {
  int64_t pending = 0;
  int64_t claimed = 0;
  int64_t done = 0;
};

// Every set field narrows the answer (AND); empty fields do not filter.
struct QueryFilter {
  std::string secret_hash;         // Store::secret_key_hash(secret)
  std::string fingerprint;         // a finding fingerprint or a prefix of it (lower-case hex)
  std::vector<std::string> rules;  // rule id globs ('*', '?'); any of them matches
  std::optional<Severity> min_severity;
  std::optional<FateKind> fate;
  std::string repository;  // a glob over repository names ("team/*")
  // "registry/repository:tag", "…@sha256:…", a manifest digest; no tag or digest: ":latest"
  std::string image;
  std::string layer;                       // a layer digest
  std::optional<int64_t> new_since_sweep;  // locations first seen by a sweep after this one
};

// One place one finding is, in one image (one row per tag of the image).
struct QueryRow {
  std::string registry;
  std::string repository;
  std::string tag;  // empty when no tag points at the manifest any more
  std::string manifest_digest;
  std::string platform;
  std::string layer;  // layer digest; empty for config locations
  std::string path;
  uint64_t line = 0;
  std::string config_location;
  Fate fate;
  std::optional<int> history_step;
  std::string created_by;
  std::string rule_id;
  std::string fingerprint;
  Severity severity = Severity::kHigh;
  std::string preview;  // redacted
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  int64_t first_seen_sweep = 0;
  int64_t last_seen_sweep = 0;
};

// A finding as stored for one image: the Finding with its locations (fates, history steps,
// build args), and the redacted preview. finding.secret is empty unless the store keeps
// secrets; remediation is not stored (it follows from the locations).
struct StoredFinding {
  Finding finding;
  std::string preview;
  std::string secret_hash;
};

struct StoredImageFindings {
  StoredImage image;
  std::vector<StoredFinding> findings;  // severity desc, rule id, fingerprint
};

}  // namespace strata
