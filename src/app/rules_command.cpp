#include "rules_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "exit_codes.hpp"
#include "rule_loading.hpp"
#include "strata/lint/lint.hpp"
#include "strata/match/rule_check.hpp"
#include "strata/scan/builtin_rules.hpp"

namespace strata::app {

void add_rules_command(CLI::App& app, RulesCommandOptions& o) {
  CLI::App* rules = app.add_subcommand("rules", "List or check detection rules");
  rules->require_subcommand(1);
  CLI::App* list = rules->add_subcommand("list", "List the rules in use");
  add_rule_options(*list, o.selection);
  list->add_option("-f,--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  list->callback([&o] { o.list = true; });
  CLI::App* check = rules->add_subcommand(
      "check", "Compile rules in both engines and run every example and negative example");
  check->add_option("files", o.files, "Rule files or directories (default: the bundled rules)");
  check->callback([&o] { o.check = true; });
  CLI::App* compile = rules->add_subcommand(
      "compile",
      "Compile the bundled rules for any x86-64 machine into DIR; a strata binary with DIR as "
      "compiled-rules/ beside it starts without compiling (the build does this)");
  compile->add_option("dir", o.compile_dir, "Output directory")->required()->type_name("DIR");
  compile->callback([&o] { o.compile = true; });
}

namespace {

// "371 rules (354 from rule files for 191 providers, 17 built in)": the counts the README
// states, so a test can hold the README to them. A provider is the part of a rule id before
// its first '.', over the rules from rule files; `generic` names none.
std::string rule_counts(const RuleSet& rules) {
  size_t builtin = std::ranges::count_if(rules.rules, [](const Rule& r) { return r.builtin; });
  std::set<std::string> providers;
  for (const Rule& r : rules.rules) {
    std::string provider = r.id.substr(0, r.id.find('.'));
    if (!r.builtin && provider != "generic") providers.insert(provider);
  }
  return std::to_string(rules.rules.size()) + " rules (" +
         std::to_string(rules.rules.size() - builtin) + " from rule files for " +
         std::to_string(providers.size()) + " providers, " + std::to_string(builtin) + " built in)";
}

int list_rules(const RulesCommandOptions& o) {
  auto rules = load_selected_rules(o.selection);
  if (!rules) {
    spdlog::error("rules: {}", rules.error().message);
    return kExitIncomplete;
  }
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const Rule& r : rules->rules) {
      j.push_back({{"id", r.id},
                   {"name", r.name},
                   {"severity", severity_name(r.severity)},
                   {"confidence", confidence_name(r.confidence)},
                   {"categories", r.categories},
                   {"generic", r.generic},
                   {"builtin", r.builtin},
                   {"checksum", checksum_kind_name(r.checksum)},
                   {"source_file", r.source_file}});
    }
    // `strata lint`'s checks: listed, apart from the scan's rule set (its counts and hash).
    for (const Rule& r : lint_rules()) {
      j.push_back({{"id", r.id},
                   {"name", r.name},
                   {"severity", severity_name(r.severity)},
                   {"command", "lint"},
                   {"builtin", true}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitClean;
  }
  for (const Rule& r : rules->rules) {
    std::cout << r.id << "  " << severity_name(r.severity) << "  " << r.name << "\n";
  }
  for (const Rule& r : lint_rules()) {
    std::cout << r.id << "  " << severity_name(r.severity) << "  " << r.name << " (strata lint)\n";
  }
  std::cout << rule_counts(*rules) << ", rule-set hash " << rules->hash() << "\n";
  return kExitClean;
}

int check_rules(const RulesCommandOptions& o) {
  auto rules = o.files.empty() ? load_rules({}) : load_rules(o.files, false);
  if (!rules) {
    std::cerr << "rules: " << rules.error().message << "\n";
    return kExitIncomplete;
  }
  // Built-in checks have no pattern or examples: count the rules that were tried.
  size_t count = std::ranges::count_if(rules->rules, [](const Rule& r) { return !r.builtin; });
  auto engine = MatchEngine::compile(std::move(*rules));
  if (!engine) {
    std::cerr << "rules: " << engine.error().message << "\n";
    return kExitIncomplete;
  }
  auto failures = check_rule_examples(**engine);
  for (const RuleCheckFailure& f : failures) std::cout << f.rule_id << ": " << f.message << "\n";
  size_t failed_rules = 0;
  std::string last;
  for (const RuleCheckFailure& f : failures) {
    if (f.rule_id != last) ++failed_rules;
    last = f.rule_id;
  }
  std::cout << (count - failed_rules) << " passed, " << failed_rules << " failed\n";
  return failures.empty() ? kExitClean : kExitFindings;
}

// The database a default scan compiles, for the baseline target; a stale entry of an older
// rule set is replaced, so the directory holds what this binary ships and nothing else.
int compile_rules(const RulesCommandOptions& o) {
  std::error_code ec;
  std::filesystem::remove_all(o.compile_dir, ec);
  std::filesystem::create_directories(o.compile_dir, ec);
  if (ec) {
    std::cerr << "rules compile: " << o.compile_dir << ": " << ec.message() << "\n";
    return kExitIncomplete;
  }
  // The parsed rule files go there too: parsing 1,500 rules is most of a start-up otherwise.
  auto rules = load_rule_files({default_patterns_dir()}, o.compile_dir);
  if (!rules) {
    std::cerr << "rules: " << rules.error().message << "\n";
    return kExitIncomplete;
  }
  add_builtin_rules(*rules);
  auto written = MatchEngine::write_shipped_database(*rules, o.compile_dir);
  if (!written) {
    std::cerr << "rules compile: " << written.error().message << "\n";
    return kExitIncomplete;
  }
  std::cout << *written << "\n";
  return kExitClean;
}

}  // namespace

int run_rules_command(const RulesCommandOptions& o) {
  if (o.compile) return compile_rules(o);
  return o.check ? check_rules(o) : list_rules(o);
}

}  // namespace strata::app
