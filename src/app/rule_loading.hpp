// Finding and selecting the rule set the user asked for: the bundled patterns directory, the
// config file's and --rules files, then --only-rules / --disable-rule / --severity (which add
// to or override the config file's), all before the rules are compiled.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "strata/match/match_engine.hpp"

namespace CLI {
class App;
}

namespace strata::app {

// $STRATA_PATTERNS_DIR, else <exe>/../share/strata/patterns, else the source tree's patterns/.
std::string default_patterns_dir();

Result<RuleSet> load_rules(const std::vector<std::string>& extra, bool use_defaults = true);

// The options `scan` and `rules list` share.
struct RuleOptions {
  std::optional<std::string> config;  // --config FILE (else ./.strata.yml when present)
  std::vector<std::string> extra;     // --rules
  std::vector<std::string> disable;   // --disable-rule, repeatable
  std::vector<std::string> only;      // --only-rules A,B
  std::vector<std::string> severity;  // --severity RULE_ID=SEVERITY, repeatable
};

void add_rule_options(CLI::App& command, RuleOptions& options);

// Config file + command line -> the selected RuleSet. Errors name the file, option or id.
Result<RuleSet> load_selected_rules(const RuleOptions& options);

}  // namespace strata::app
