// The scan's built-in checks as rules: secret files recognised by path (.env, id_rsa,
// .npmrc with auth, …), a .git directory, and registry logins decoded from a Docker config.
// They carry no pattern; adding them to the RuleSet before compiling lets users list them,
// disable them and change their severity like any other rule. A built-in rule missing from
// the compiled set is off.
//
//   RuleSet rules = *load_rule_files(paths);
//   add_builtin_rules(rules);
#pragma once

#include <vector>

#include "strata/rules/rule.hpp"

namespace strata {

std::vector<Rule> builtin_rules();
void add_builtin_rules(RuleSet& rules);

}  // namespace strata
