#include "lint_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "report_output.hpp"
#include "strata/lint/lint.hpp"
#include "strata/scan/image_scanner.hpp"
#include "strata/source/open_source.hpp"
#include "triage_files.hpp"

namespace strata::app {

void add_lint_command(CLI::App& app, LintCommandOptions& o) {
  CLI::App* lint = app.add_subcommand(
      "lint",
      "Find what a Dockerfile and its build context would leak into the image, before the "
      "build: secret ARG/ENV, secrets in its text, broad COPY of secret files .dockerignore "
      "lets through, COPY --from of a whole stage; each with its line and fix");
  lint->add_option("dockerfile", o.dockerfile, "The Dockerfile")->capture_default_str();
  lint->add_option("--context", o.context, "The build context directory")->capture_default_str();
  lint->add_option("-f,--format", o.format, "Report format")
      ->check(CLI::IsMember(kReportFormats))
      ->capture_default_str();
  lint->add_option("-o,--output", o.output, "Write the report to FILE (default: stdout)")
      ->type_name("FILE");
  lint->add_option("--fail-on", o.fail_on,
                   "Lowest severity that fails (exit code 1): info, low, medium, high, critical")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))
      ->capture_default_str();
  lint->add_flag("--reveal", o.reveal, "Show secret values in the report (default: redacted)");
  lint->add_flag("--fix", o.fix,
                 "Print the fixes as a unified diff (git apply accepts it): Dockerfile rewrites "
                 "and .dockerignore entries; the report then goes only to --output");
  lint->add_flag("--no-color", o.no_color, "No colors in the text report");
  lint->add_option("--baseline", o.baseline, "A previous strata JSON or SARIF report")
      ->type_name("FILE");
  lint->add_option("--ignore-file", o.ignore_file,
                   "Triaged findings to suppress (default: ./.strataignore when present)")
      ->type_name("FILE");
  lint->add_option("-j,--jobs", o.jobs, "Threads scanning the build context (default: cores)");
  add_rule_options(*lint, o.rules);
}

namespace {

struct LintInputs {
  std::shared_ptr<const MatchEngine> engine;
  TriageFiles triage;
  LintTarget target;
  std::vector<std::string> disabled_lint_rules;  // --disable-rule lint.…
};

bool id_matches(const std::string& id, const std::string& pattern) {
  return pattern.ends_with('*') ? id.starts_with(pattern.substr(0, pattern.size() - 1))
                                : id == pattern;
}

// `--disable-rule lint.…` names lint rules, which the scan's rule set does not hold: they are
// taken out of the options before the rules load and applied to the lint findings. A pattern
// that matches no lint rule is an error, as for the scan's rules.
Result<RuleOptions> split_lint_rules(RuleOptions options, std::vector<std::string>& lint_ids) {
  std::vector<Rule> rules = lint_rules();
  auto is_lint = [](const std::string& id) { return id.starts_with("lint."); };
  for (const std::string& pattern : options.disable) {
    if (!is_lint(pattern)) continue;
    if (std::ranges::none_of(rules, [&](const Rule& r) { return id_matches(r.id, pattern); })) {
      return fail("--disable-rule " + pattern + ": no lint rule has that id");
    }
    lint_ids.push_back(pattern);
  }
  std::erase_if(options.disable, is_lint);
  return options;
}

Result<LintInputs> read_lint_inputs(const LintCommandOptions& o) {
  LintInputs in;
  auto target = load_lint_target(o.dockerfile, o.context);
  if (!target) return fail(target.error());
  in.target = std::move(*target);
  auto rule_options = split_lint_rules(o.rules, in.disabled_lint_rules);
  if (!rule_options) return fail(rule_options.error());
  auto rules = load_selected_rules(*rule_options);
  if (!rules) return fail(rules.error().with_context("rules"));
  auto engine = MatchEngine::compile(std::move(*rules));
  if (!engine) return fail(engine.error().with_context("rules"));
  in.engine = std::move(*engine);
  auto triage = load_triage_files(o.baseline, o.ignore_file, o.rules.config);
  if (!triage) return fail(triage.error());
  in.triage = std::move(*triage);
  return in;
}

// The build context through the engine of `strata scan DIR`, cut to the files the build sends.
ScanReport scan_context(const LintCommandOptions& o, const LintInputs& in) {
  ScanReport report;
  auto source = open_image_source(o.context, {});
  if (!source) {
    report.errors.push_back(source.error().with_context("build context").message);
    return report;
  }
  ScanOptions options;
  options.jobs = o.jobs;
  // What .dockerignore excludes whole (node_modules, .git) is never sent: not walked either.
  options.skip_directory = [&](const std::string& dir) { return in.target.ignore.prunes(dir); };
  report = scan_source(**source, *in.engine, options);
  keep_sent_files(report, in.target);
  return report;
}

std::string relative_to_cwd(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return absolute.lexically_proximate(std::filesystem::current_path(ec)).generic_string();
}

int report_and_exit(const LintCommandOptions& o, const LintInputs& in, ScanReport& report) {
  RuleSet rules = in.engine->rules();
  for (Rule& r : lint_rules()) rules.rules.push_back(std::move(r));
  ReportOptions options;
  options.reveal = o.reveal;
  options.fail_policy.min_severity = *parse_severity(o.fail_on);  // checked by CLI11
  options.target = o.dockerfile;
  options.dockerfile = relative_to_cwd(o.dockerfile);
  bool written = true;
  if (!o.fix || !o.output.empty()) {
    auto status = write_report({o.format, o.output == "-" ? "" : o.output}, report, rules, options,
                               o.no_color);
    if (!status) spdlog::error("{}", status.error().message);
    written = status.has_value();
  }
  return written ? exit_code_for(report, options.fail_policy) : kExitIncomplete;
}

}  // namespace

int run_lint_command(const LintCommandOptions& o) {
  auto inputs = read_lint_inputs(o);
  if (!inputs) {
    spdlog::error("{}", inputs.error().message);
    return kExitIncomplete;
  }
  ScanReport report = scan_context(o, *inputs);
  LintFixes fixes;
  std::vector<Finding> found = lint_dockerfile(inputs->target, *inputs->engine, &fixes);
  std::vector<Finding> copies = lint_context(inputs->target, report.findings, &fixes);
  std::vector<Finding> caches = lint_dependency_caches(inputs->target, &fixes);
  copies.insert(copies.end(), std::make_move_iterator(caches.begin()),
                std::make_move_iterator(caches.end()));
  found.insert(found.end(), std::make_move_iterator(copies.begin()),
               std::make_move_iterator(copies.end()));
  std::erase_if(found, [&](const Finding& f) {
    return std::ranges::any_of(inputs->disabled_lint_rules,
                               [&](const std::string& p) { return id_matches(f.rule_id, p); });
  });
  found.insert(found.end(), std::make_move_iterator(report.findings.begin()),
               std::make_move_iterator(report.findings.end()));
  report.findings = merge_findings(std::move(found));
  if (!o.reveal) hide_in_diagnostics(report.findings);
  for (const std::string& e : report.errors) spdlog::error("{}", e);
  apply_triage_files(inputs->triage, report, today_utc());
  for (const std::string& w : report.warnings) spdlog::warn("{}", w);
  if (o.fix) std::cout << fix_patch(inputs->target, fixes) << std::flush;
  return report_and_exit(o, *inputs, report);
}

}  // namespace strata::app
