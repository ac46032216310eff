// The configuration file: `.strata.yml` in the current directory when present, or the file
// given with --config (which must exist). Keys (README "Configuration file"):
//
//   rules: [extra/rules.yml, more-rules/]   # relative to the config file's directory
//   disable_rules: [generic.*]
//   only_rules: [github.*, npm.access-token]
//   severity: {generic.password: low}
//   baseline: strata-baseline.json    # --baseline; relative to the config file's directory
//   ignore_file: ci/strataignore       # --ignore-file; likewise
//
// Unknown keys are an error, so a misspelt key never silently does nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/rules/rule.hpp"

namespace strata::app {

inline constexpr const char* kDefaultConfigName = ".strata.yml";

struct ConfigFile {
  std::string path;                // the file read; empty when there was none
  std::vector<std::string> rules;  // extra rule files or directories
  RuleSelection selection;
  std::string baseline;     // empty: none
  std::string ignore_file;  // empty: ./.strataignore when present
};

// Parses one config file. Errors name the file and the key.
Result<ConfigFile> parse_config_file(const std::string& path);

// `explicit_path` (from --config) must exist; without it ./.strata.yml is read when present,
// and no file gives an empty ConfigFile.
Result<ConfigFile> load_config(const std::optional<std::string>& explicit_path);

}  // namespace strata::app
