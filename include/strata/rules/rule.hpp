// Rules: what a secret looks like, loaded from YAML files (patterns/*.yml, schema in
// patterns/README.md).
//
//   auto set = load_rule_files({"patterns/cloud.yml"});   // Result<RuleSet>
//   for (const Rule& r : set->rules) ...
//   set->hash();   // canonical sha256 of the rule set, identifies a compiled database
//   auto chosen = select_rules(std::move(*set), {.disable = {"generic.*"}});  // before compile
//
// Thread safety: plain values, immutable after loading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
enum class Confidence { kLow, kMedium, kHigh };

const char* severity_name(Severity s);  // "info" … "critical"
Result<Severity> parse_severity(std::string_view text);
const char* confidence_name(Confidence c);
Result<Confidence> parse_confidence(std::string_view text);

// Structure built into the token format, checked offline (the rule's `checksum` field).
enum class ChecksumKind {
  kNone,
  // GitHub (ghp_, gho_, ghu_, ghs_, ghr_) and npm (npm_) tokens: after the last '_', random
  // base62 characters, then 6 characters that are the CRC-32 (IEEE, as zlib's crc32) of those
  // random characters in base62 (0-9A-Za-z), zero-padded to 6.
  kCrc32Base62Last6,
  // A JSON Web Token (RFC 7519, JWS compact form): base64url header with "alg" and payload,
  // both JSON objects; the payload's claims must match the rule's `expect` (issuer, role…).
  kJwt,
  // Base64 of a JSON object (a GCP service-account key file, say) whose fields match `expect`.
  kBase64Json,
};
// "none", "crc32-base62-last6", "jwt", "base64-json"
const char* checksum_kind_name(ChecksumKind kind);
Result<ChecksumKind> parse_checksum_kind(std::string_view text);

// What a validation (today only the offline checksum) said about one secret.
enum class ValidationState { kNotApplicable, kValid, kInvalid };
const char* validation_state_name(ValidationState state);  // "not-applicable", "valid", "invalid"

struct RuleExample {
  std::string text;
  std::optional<std::string> secret;  // the expected secret, when the example states it
  bool operator==(const RuleExample&) const = default;
};

struct Rule {
  std::string id;    // "aws.access-key-id": stable, lower-case, dotted
  std::string name;  // "AWS access key ID"
  std::string description;
  // Hyperscan-compatible regex with bounded repeats; PCRE2 runs the same text to confirm.
  std::string pattern;
  // Optional: what Hyperscan looks for instead of `pattern`, which must match wherever the
  // pattern does (a superset: PCRE2 still confirms every candidate with the pattern). For a
  // pattern whose best literal for Hyperscan is common in ordinary files ("EAA" in base64).
  std::string prefilter;
  // Name of the capture group holding the secret ("secret"); the whole match if absent.
  std::string secret_group = "secret";
  double min_entropy = 0.0;  // Shannon bits per character of the secret
  Severity severity = Severity::kHigh;
  Confidence confidence = Confidence::kMedium;
  bool generic = false;  // generic rules lose to provider rules on the same bytes
  // A check built into the scan (secret files by path, decoded registry logins): no pattern;
  // it is in the rule set so it can be listed, selected and re-rated like any rule.
  bool builtin = false;
  bool case_insensitive = false;
  ChecksumKind checksum = ChecksumKind::kNone;
  // For the jwt and base64-json checks: "field=regex" (ECMAScript, searched in the field's
  // value: a string, or a number or boolean as JSON writes it); every one must match.
  std::vector<std::string> expect;
  std::vector<std::string> categories;
  std::vector<std::string> references;
  std::vector<std::string> allow;  // regexes: a secret matching one is not reported
  std::vector<RuleExample> examples;
  std::vector<std::string> negative_examples;
  std::string source_file;
  // Every field: a rule read back from the rule cache equals the one parsed.
  bool operator==(const Rule&) const = default;
};

struct RuleSet {
  std::vector<Rule> rules;
  // sha256 over the canonical form of every rule's matching fields, in id order.
  std::string hash() const;
  const Rule* find(std::string_view id) const;
  bool operator==(const RuleSet&) const = default;
};

// Loads rule files (or every *.yml / *.yaml in a directory). Errors name file and rule.
// Duplicate ids are an error.
Result<RuleSet> load_rule_files(const std::vector<std::string>& paths);
// The same, and the parsed set is written into `shipped_dir` as well, where a later load of the
// same files finds it when that is the shipped directory (core/cache_dir.hpp) and the user's
// cache misses (`strata rules compile`).
Result<RuleSet> load_rule_files(const std::vector<std::string>& paths,
                                const std::string& shipped_dir);

// Which rules to use, and severity overrides. Every id may end in '*' to match every id with
// that prefix ("generic.*", or "*" for all). An id or glob that matches no loaded rule is an
// error naming it, so a typo never silently disables nothing.
struct RuleSelection {
  std::vector<std::string> only;     // keep only these (empty: keep all)
  std::vector<std::string> disable;  // then drop these
  // Applied in order to the kept rules (a later entry wins).
  std::vector<std::pair<std::string, Severity>> severity;
};

// Filters and adjusts a loaded rule set; do this before MatchEngine::compile so the compiled
// rule set (and its hash) is what was selected. Keeps the rules' order.
Result<RuleSet> select_rules(RuleSet rules, const RuleSelection& selection);

// Parses "RULE_ID=SEVERITY" (the --severity option and its config-file form).
Result<std::pair<std::string, Severity>> parse_severity_override(std::string_view text);

}  // namespace strata
