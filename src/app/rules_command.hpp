// `strata rules list` and `strata rules check [FILES]`.
#pragma once

#include <string>
#include <vector>

#include "rule_loading.hpp"

namespace CLI {
class App;
}

namespace strata::app {

struct RulesCommandOptions {
  std::vector<std::string> files;  // check: these files instead of the bundled rules
  RuleOptions selection;           // list: --rules, --config, --disable-rule, …
  std::string format = "text";
  bool list = false;
  bool check = false;
};

void add_rules_command(CLI::App& app, RulesCommandOptions& options);
int run_rules_command(const RulesCommandOptions& options);

}  // namespace strata::app
