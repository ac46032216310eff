#include "scan_command.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "exit_codes.hpp"
#include "rule_loading.hpp"
#include "strata/report/reporters.hpp"
#include "strata/source/open_source.hpp"

namespace strata::app {

void add_scan_command(CLI::App& app, ScanCommandOptions& o) {
  CLI::App* scan = app.add_subcommand("scan", "Scan an image for leaked secrets");
  scan->add_option("target", o.target,
                   "What to scan: ./app.tar (docker save, OCI archive or rootfs tar), "
                   "oci:DIR, oci-archive:FILE, docker-archive:FILE, a directory, or - (stdin)")
      ->required();
  scan->add_option("-f,--format", o.format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str();
  scan->add_option("-o,--output", o.output, "Write the report to FILE instead of stdout");
  scan->add_option("--fail-on", o.fail_on,
                   "Lowest severity that fails the scan (exit code 1): info, low, medium, high, "
                   "critical")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}))
      ->capture_default_str();
  scan->add_option("--fail-on-fate", o.fail_on_fate,
                   "present: fail only on secrets still in the image as it runs (final "
                   "filesystem or config); any: also on deleted or overwritten files, which stay "
                   "extractable from their layer")
      ->check(CLI::IsMember({"present", "any"}))
      ->capture_default_str();
  scan->add_option("--exit-code", o.exit_code, "Exit code when findings fail the scan")
      ->check(CLI::Range(0, 255))
      ->capture_default_str();
  scan->add_option("--image", o.image, "Only the image NAME[:TAG] of a multi-image archive");
  scan->add_option("--platform", o.platform,
                   "Only this platform of a multi-platform index, e.g. linux/arm64 (default: all)");
  add_rule_options(*scan, o.rules);
  scan->add_option("-j,--jobs", o.jobs, "Layers scanned in parallel (default: number of cores)");
  scan->add_flag("--verify-diff-ids", o.verify_diff_ids,
                 "Also check each uncompressed layer against the config's diff_id");
  scan->add_flag("--reveal", o.reveal, "Show secret values in the report (default: redacted)");
  scan->add_flag("--show-suppressed", o.show_suppressed,
                 "Also print suppressed findings (known public values; generic matches in "
                 "allowlisted paths such as translations, docs, tests, node_modules)");
  scan->add_flag("--no-default-allowlist", o.no_default_allowlist,
                 "Do not suppress generic-rule matches in the default path allowlist");
  scan->add_flag("--list-skipped", o.list_skipped,
                 "List what limits skipped (huge files, nested archives past a limit); the text "
                 "report otherwise only counts them, JSON always lists them");
}

int run_scan_command(const ScanCommandOptions& o) {
  auto rules = load_selected_rules(o.rules);
  if (!rules) {
    spdlog::error("rules: {}", rules.error().message);
    return kExitIncomplete;
  }
  auto engine = MatchEngine::compile(std::move(*rules));
  if (!engine) {
    spdlog::error("rules: {}", engine.error().message);
    return kExitIncomplete;
  }

  SourceOptions source_options;
  source_options.image_filter = o.image;
  if (o.platform) {
    auto platform = Platform::parse(*o.platform);
    if (!platform) {
      spdlog::error("--platform: {}", platform.error().message);
      return kExitIncomplete;
    }
    source_options.platform = *platform;
  }
  // Public test keys shipped with the bundled rules (GnuTLS self-test keys, …).
  KnownPublicSecrets known_public;
  std::string known_path = default_patterns_dir() + "/known-public.txt";
  if (std::filesystem::exists(known_path)) {
    auto loaded = KnownPublicSecrets::load(known_path);
    if (!loaded) {
      spdlog::error("{}", loaded.error().message);
      return kExitIncomplete;
    }
    known_public = std::move(*loaded);
  }

  ScanReport report;
  auto source = open_image_source(o.target, source_options);
  if (source) {
    ScanOptions scan_options;
    scan_options.known_public = &known_public;
    scan_options.default_path_allowlist = !o.no_default_allowlist;
    scan_options.jobs = o.jobs;
    scan_options.verify_diff_ids = o.verify_diff_ids;
    report = scan_source(**source, **engine, scan_options);
  } else {
    report.errors.push_back(source.error().message);
    report.rules_hash = (*engine)->rules().hash();
  }
  for (const std::string& e : report.errors) spdlog::error("{}", e);

  ReportOptions report_options;
  report_options.reveal = o.reveal;
  report_options.fail_policy.min_severity = *parse_severity(o.fail_on);  // checked by CLI11
  report_options.fail_policy.present_only = o.fail_on_fate == "present";
  report_options.list_skipped = o.list_skipped;
  report_options.show_suppressed = o.show_suppressed;
  report_options.target = o.target;
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      spdlog::error("--output {}: cannot open for writing", o.output);
      return kExitIncomplete;
    }
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  report_options.color = o.output.empty() && isatty(STDOUT_FILENO);
  if (o.format == "json") {
    write_json_report(report, out, report_options);
  } else if (o.format == "sarif") {
    write_sarif_report(report, (*engine)->rules(), out, report_options);
  } else {
    write_text_report(report, out, report_options);
  }
  out.flush();
  spdlog::info("{}: {} finding(s), {} layer(s), {} file(s), {} bytes scanned in {:.2f} s", o.target,
               report.findings.size(), report.stats.layers, report.stats.files,
               report.stats.bytes_scanned, report.stats.seconds);
  return exit_code_for(report, report_options.fail_policy, o.exit_code);
}

}  // namespace strata::app
