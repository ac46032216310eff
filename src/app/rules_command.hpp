// `strata rules list`, `strata rules check [FILES]` and `strata rules compile DIR`.
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
  std::string compile_dir;  // compile: where the shipped database goes
  bool compile = false;
};

void add_rules_command(CLI::App& app, RulesCommandOptions& options);
int run_rules_command(const RulesCommandOptions& options);

}  // namespace strata::app
