// `strata lint [DOCKERFILE] [--context DIR]`: the leaks a Dockerfile and its build context would
// put into an image, before the build (src/lint); the report options and exit codes of `scan`;
// `--fix` prints a unified diff of the rewrites.
#pragma once

#include <string>
#include <vector>

#include "rule_loading.hpp"

namespace CLI {
class App;
}

namespace strata::app {

struct LintCommandOptions {
  std::string dockerfile = "Dockerfile";
  std::string context = ".";
  std::string format = "text";
  std::string output;  // --output FILE (empty or "-": stdout)
  std::string fail_on = "info";
  bool reveal = false;
  bool fix = false;  // --fix: the patch to stdout, the report only to --output
  bool no_color = false;
  std::string baseline;
  std::string ignore_file;
  int jobs = 0;
  RuleOptions rules;
};

void add_lint_command(CLI::App& app, LintCommandOptions& options);
int run_lint_command(const LintCommandOptions& options);

}  // namespace strata::app
