// Finding and compiling the rule set the user asked for: the bundled patterns directory plus
// any --rules files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/match/match_engine.hpp"

namespace strata::app {

// $STRATA_PATTERNS_DIR, else <exe>/../share/strata/patterns, else the source tree's patterns/.
std::string default_patterns_dir();

Result<RuleSet> load_rules(const std::vector<std::string>& extra, bool use_defaults = true);

}  // namespace strata::app
