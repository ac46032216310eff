// Rules: what a secret looks like, loaded from YAML files (patterns/*.yml, schema in
// patterns/README.md).
//
//   auto set = load_rule_files({"patterns/aws.yml"});   // Result<RuleSet>
//   for (const Rule& r : set->rules) ...
//   set->hash();   // canonical sha256 of the rule set, identifies a compiled database
//
// Thread safety: plain values, immutable after loading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
enum class Confidence { kLow, kMedium, kHigh };

const char* severity_name(Severity s);  // "info" … "critical"
Result<Severity> parse_severity(std::string_view text);
const char* confidence_name(Confidence c);
Result<Confidence> parse_confidence(std::string_view text);

struct RuleExample {
  std::string text;
  std::optional<std::string> secret;  // the expected secret, when the example states it
};

struct Rule {
  std::string id;    // "aws.access-key-id": stable, lower-case, dotted
  std::string name;  // "AWS access key ID"
  std::string description;
  // Hyperscan-compatible regex with bounded repeats; PCRE2 runs the same text to confirm.
  std::string pattern;
  // Name of the capture group holding the secret ("secret"); the whole match if absent.
  std::string secret_group = "secret";
  double min_entropy = 0.0;  // Shannon bits per character of the secret
  Severity severity = Severity::kHigh;
  Confidence confidence = Confidence::kMedium;
  bool generic = false;  // generic rules lose to provider rules on the same bytes
  bool case_insensitive = false;
  std::vector<std::string> categories;
  std::vector<std::string> references;
  std::vector<std::string> allow;  // regexes: a secret matching one is not reported
  std::vector<RuleExample> examples;
  std::vector<std::string> negative_examples;
  std::string source_file;
};

struct RuleSet {
  std::vector<Rule> rules;
  // sha256 over the canonical form of every rule's matching fields, in id order.
  std::string hash() const;
  const Rule* find(std::string_view id) const;
};

// Loads rule files (or every *.yml / *.yaml in a directory). Errors name file and rule.
// Duplicate ids are an error.
Result<RuleSet> load_rule_files(const std::vector<std::string>& paths);

}  // namespace strata
