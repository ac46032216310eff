#include "rule_loading.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>

#include "config_file.hpp"
#include "strata/scan/builtin_rules.hpp"

namespace fs = std::filesystem;

namespace strata::app {

std::string default_patterns_dir() {
  if (const char* env = std::getenv("STRATA_PATTERNS_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "strata" / "patterns";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return STRATA_DEFAULT_PATTERNS;
}

Result<RuleSet> load_rules(const std::vector<std::string>& extra, bool use_defaults) {
  std::vector<std::string> paths;
  if (use_defaults) paths.push_back(default_patterns_dir());
  paths.insert(paths.end(), extra.begin(), extra.end());
  auto rules = load_rule_files(paths);
  // The scan's built-in checks (secret files, registry logins) come with the bundled rules.
  if (rules && use_defaults) add_builtin_rules(*rules);
  return rules;
}

void add_rule_options(CLI::App& command, RuleOptions& o) {
  // allow_extra_args(false): one value per occurrence, so a following positional is never
  // swallowed.
  command.add_option("--rules", o.extra, "Extra rule files or directories (YAML)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  command
      .add_option("--config", o.config, "Configuration file (default: ./.strata.yml when present)")
      ->type_name("FILE");
  command
      .add_option("--disable-rule", o.disable,
                  "Do not use this rule; repeatable; a trailing * matches a prefix (generic.*)")
      ->allow_extra_args(false)
      ->type_name("ID");
  command
      .add_option("--only-rules", o.only,
                  "Use only these rules: ID[,ID...]; a trailing * matches a prefix")
      ->allow_extra_args(false)
      ->delimiter(',')
      ->type_name("ID[,ID...]");
  command
      .add_option("--severity", o.severity,
                  "Override a rule's severity: RULE_ID=SEVERITY (info, low, medium, high, "
                  "critical); repeatable")
      ->allow_extra_args(false)
      ->type_name("ID=SEVERITY");
}

Result<RuleSet> load_selected_rules(const RuleOptions& o) {
  auto config = load_config(o.config);
  if (!config) return fail(config.error());
  std::vector<std::string> extra = config->rules;
  extra.insert(extra.end(), o.extra.begin(), o.extra.end());
  auto rules = load_rules(extra);
  if (!rules) return fail(rules.error());

  // The command line adds to the config's disable list and severities (later entries win)
  // and replaces its only-list.
  RuleSelection selection = std::move(config->selection);
  selection.disable.insert(selection.disable.end(), o.disable.begin(), o.disable.end());
  if (!o.only.empty()) selection.only = o.only;
  for (const std::string& text : o.severity) {
    auto entry = parse_severity_override(text);
    if (!entry) return fail(entry.error().with_context("--severity"));
    selection.severity.push_back(std::move(*entry));
  }
  auto selected = select_rules(std::move(*rules), selection);
  if (!selected) {
    if (!config->path.empty())
      return fail(selected.error().with_context("with config " + config->path));
    return fail(selected.error());
  }
  return selected;
}

}  // namespace strata::app
