#include "scan_command.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "progress_bar.hpp"
#include "report_output.hpp"
#include "rule_loading.hpp"
#include "store_layer_cache.hpp"
#include "store_recording.hpp"
#include "strata/remediation/remediation.hpp"
#include "strata/remote/open_reference.hpp"
#include "strata/report/reporters.hpp"
#include "strata/scan/image_scanner.hpp"
#include "triage_files.hpp"

namespace strata::app {

namespace {

// Keeps `value` alive, unfreed, until the process exits: strata exits right after a scan, and
// freeing a big image's report and rules (10^5 allocations, ~15 ms) would only delay it.
// Still reachable, so leak checkers do not count it.
template <class T>
void keep_until_exit(T&& value) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(value)));
}

}  // namespace

void add_scan_command(CLI::App& app, ScanCommandOptions& o) {
  CLI::App* scan = app.add_subcommand("scan", "Scan an image for leaked secrets");
  scan->add_option("target", o.target,
                   "What to scan: ./app.tar (docker save, OCI archive or rootfs tar), "
                   "oci:DIR, oci-archive:FILE, docker-archive:FILE, a directory, - (stdin), an "
                   "image reference (registry.example/app:1, nginx, docker://HOST/REPO@sha256:…), "
                   "docker-daemon:NAME or podman:NAME. A path that exists on disk wins over a "
                   "reference spelled the same")
      ->required();
  scan->add_option("-f,--format", o.format, "Report format")
      ->check(CLI::IsMember(kReportFormats))
      ->capture_default_str();
  scan->add_option("-o,--output", o.output,
                   "Write the report to FILE instead of stdout (atomically: a temporary file "
                   "renamed into place when complete)");
  scan->add_option("--report", o.reports,
                   "Also write a report in FORMAT to PATH, e.g. --report sarif=out.sarif; "
                   "repeatable; PATH - is stdout")
      ->type_name("FORMAT=PATH");
  scan->add_flag("--no-color", o.no_color,
                 "No colors in the text report (also when NO_COLOR is set; colors are only "
                 "used on a terminal)");
  scan->add_flag("--no-progress", o.no_progress,
                 "No progress bar on stderr (shown only when stderr is a terminal)");
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
  scan->add_flag("--ignore-base", o.ignore_base,
                 "Gate only on your own build: findings whose every location came with the "
                 "base image (as the image records it) do not fail the scan; still reported");
  scan->add_option("--exit-code", o.exit_code, "Exit code when findings fail the scan")
      ->check(CLI::Range(0, 255))
      ->capture_default_str();
  scan->add_option("--image", o.image, "Only the image NAME[:TAG] of a multi-image archive");
  scan->add_option("--platform", o.platform,
                   "Only this platform of a multi-platform index, e.g. linux/arm64 (default: all)");
  scan->add_option("--dockerfile", o.dockerfile,
                   "The Dockerfile the image was built from: findings point at its lines and "
                   "fixes rewrite its instructions (SARIF config locations point at it)")
      ->type_name("FILE");
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
  scan->add_option("--baseline", o.baseline,
                   "A previous strata JSON (or SARIF) report: its findings are reported as "
                   "suppressed (baseline) and do not fail the scan; only new findings count")
      ->type_name("FILE");
  scan->add_option("--ignore-file", o.ignore_file,
                   "Triaged findings to suppress, with reasons and expiry dates (default: "
                   "./.strataignore when present)")
      ->type_name("FILE");
  scan->add_flag("--list-skipped", o.list_skipped,
                 "List what limits skipped (huge files, nested archives past a limit); the text "
                 "report otherwise only counts them, JSON always lists them");
  add_remote_options(*scan, o.remote);
  scan->add_option("--db", o.db,
                   "Also record the images and findings into this findings store (SQLite file, "
                   "created when missing), for `strata query`")
      ->type_name("FILE");
  scan->add_flag("--store-secrets", o.store_secrets,
                 "With --db: keep raw secret values in the store (default: a keyed hash and a "
                 "redacted preview only)");
}

namespace {

// -vv shows where the time goes, phase by phase.
class PhaseTimer {
 public:
  void done(const char* what) {
    auto now = std::chrono::steady_clock::now();
    spdlog::debug("{} in {:.3f} s", what, std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The reports asked for: --format/--output and every --report.
Result<std::vector<ReportRequest>> report_requests(const ScanCommandOptions& o) {
  std::vector<ReportRequest> requests = {{o.format, o.output == "-" ? "" : o.output}};
  for (const std::string& text : o.reports) {
    auto request = parse_report_request(text);
    if (!request) return fail(request.error());
    requests.push_back(*request);
  }
  int stdout_reports = 0;
  for (const ReportRequest& r : requests) stdout_reports += r.path.empty() ? 1 : 0;
  if (stdout_reports > 1) {
    return fail("--report: only one report can go to stdout; give the others a PATH");
  }
  return requests;
}

}  // namespace

// Everything a scan needs besides the image, read before it: a bad rule, triage file,
// Dockerfile or platform is a usage error found at once, not after a long scan.
struct ScanInputs {
  std::shared_ptr<const MatchEngine> engine;
  TriageFiles triage;
  std::optional<Dockerfile> dockerfile;
  RemoteOptions open_options;
  KnownPublicSecrets known_public;  // public test keys shipped with the bundled rules
};

namespace {

Result<std::shared_ptr<const MatchEngine>> compile_rules(const RuleOptions& options) {
  auto rules = load_selected_rules(options);
  if (!rules) return fail(rules.error().with_context("rules"));
  auto engine = MatchEngine::compile(std::move(*rules));
  if (!engine) return fail(engine.error().with_context("rules"));
  return *engine;
}

Result<SourceOptions> source_options_for(const ScanCommandOptions& o) {
  SourceOptions options;
  options.image_filter = o.image;
  if (o.platform) {
    auto platform = Platform::parse(*o.platform);
    if (!platform) return fail(platform.error().with_context("--platform"));
    options.platform = *platform;
  }
  return options;
}

Result<KnownPublicSecrets> load_known_public() {
  std::string path = default_patterns_dir() + "/known-public.txt";
  if (!std::filesystem::exists(path)) return KnownPublicSecrets{};
  return KnownPublicSecrets::load(path);
}

Result<ScanInputs> read_scan_inputs(const ScanCommandOptions& o, PhaseTimer& phases) {
  ScanInputs in;
  auto engine = compile_rules(o.rules);
  if (!engine) return fail(engine.error());
  in.engine = std::move(*engine);
  phases.done("rules loaded and compiled");
  auto triage = load_triage_files(o.baseline, o.ignore_file, o.rules.config);
  if (!triage) return fail(triage.error());
  in.triage = std::move(*triage);
  if (!o.dockerfile.empty()) {
    auto parsed = read_dockerfile(o.dockerfile);
    if (!parsed) return fail(parsed.error().with_context("--dockerfile"));
    in.dockerfile = std::move(*parsed);
  }
  auto source_options = source_options_for(o);
  if (!source_options) return fail(source_options.error());
  auto remote_options = remote_options_for(o.remote, o.target);
  if (!remote_options) return fail(remote_options.error());
  in.open_options = std::move(*remote_options);
  in.open_options.source = std::move(*source_options);
  auto known_public = load_known_public();
  if (!known_public) return fail(known_public.error());
  in.known_public = std::move(*known_public);
  phases.done("triage files, Dockerfile and known public secrets read");
  return in;
}

// What scan_source needs of the command's options and inputs.
ScanOptions scan_options_for(const ScanCommandOptions& o, const ScanInputs& in,
                             LayerScanCache* cache) {
  ScanOptions options;
  options.known_public = &in.known_public;
  options.default_path_allowlist = !o.no_default_allowlist;
  options.jobs = o.jobs;
  options.verify_diff_ids = o.verify_diff_ids;
  options.layer_cache = cache;
  return options;
}

// Opens the target and scans it; `images` receives what the scan read, for the fixes. A target
// that cannot be opened is the report's error.
ScanReport scan_target(const ScanCommandOptions& o, const ScanInputs& in,
                       std::vector<Image>& images, LayerScanCache* cache) {
  auto source = open_reference(o.target, in.open_options);
  if (!source) {
    ScanReport report;
    report.errors.push_back(source.error().message);
    report.rules_hash = in.engine->rules().hash();
    return report;
  }
  ScanOptions options = scan_options_for(o, in, cache);
  // The bar only where a person watches: stderr is a terminal and diagnostics are not -q.
  bool show_progress =
      !o.no_progress && isatty(STDERR_FILENO) && spdlog::get_level() <= spdlog::level::warn;
  if (!show_progress) return scan_source(**source, *in.engine, options, &images);
  ProgressSource counted(**source);
  ProgressBar bar(counted);
  return scan_source(counted, *in.engine, options, &images);
}

void log_layer_timings(const ScanReport& report) {
  spdlog::debug("layers scanned in {:.3f} s, then findings built and merged in {:.3f} s",
                report.stats.layers_seconds, report.stats.seconds - report.stats.layers_seconds);
  for (const LayerTiming& t : report.stats.layer_timings) {
    if (!t.pipeline) {
      spdlog::debug("layer {}: {:.3f} s", t.layer, t.seconds);
      continue;
    }
    const PipelineTimes& p = *t.pipeline;
    spdlog::debug(
        "layer {}: {:.3f} s; walking thread (decode, tar, {} files scanned itself) {:.3f} s CPU, "
        "waited {:.3f} s for the scan; blob reader {:.3f} s CPU; {} scanning thread(s) {:.3f} s "
        "CPU, waited {:.3f} s for data",
        t.layer, t.seconds, p.walker_files, p.walker_cpu, p.walker_waited, p.reader_cpu,
        p.scanning_threads, p.visitor_cpu, p.visitor_waited);
  }
}

ReportOptions report_options_for(const ScanCommandOptions& o) {
  ReportOptions options;
  options.reveal = o.reveal;
  options.fail_policy.min_severity = *parse_severity(o.fail_on);  // checked by CLI11
  options.fail_policy.present_only = o.fail_on_fate == "present";
  options.fail_policy.ignore_base = o.ignore_base;
  options.list_skipped = o.list_skipped;
  options.show_suppressed = o.show_suppressed;
  options.target = o.target;
  if (!o.dockerfile.empty()) {
    // SARIF wants a URI relative to where the scan runs (the repository root in CI).
    std::error_code ec;
    auto absolute = std::filesystem::absolute(o.dockerfile, ec);
    auto relative = ec ? std::filesystem::path(o.dockerfile)
                       : absolute.lexically_proximate(std::filesystem::current_path(ec));
    options.dockerfile = relative.generic_string();
  }
  return options;
}

// Writes every report asked for; false when one could not be written (each failure logged).
bool write_reports(const std::vector<ReportRequest>& requests, const ScanReport& report,
                   const RuleSet& rules, const ReportOptions& options, bool no_color) {
  bool all_written = true;
  for (const ReportRequest& r : requests) {
    if (auto written = write_report(r, report, rules, options, no_color); !written) {
      spdlog::error("{}", written.error().message);
      all_written = false;
    }
  }
  return all_written;
}

// --db: the scan recorded as one sweep; a store that cannot be written is an error (exit 2).
bool record_into_store(const ScanCommandOptions& o, Store& store, const std::vector<Image>& images,
                       const ScanReport& report) {
  Status recorded = record_scan(store, o.target, images, report, o.store_secrets);
  if (!recorded) spdlog::error("{}", recorded.error().message);
  return recorded.has_value();
}

}  // namespace

Result<std::shared_ptr<const ScanInputs>> prepare_scan(const ScanCommandOptions& o) {
  PhaseTimer phases;
  auto inputs = read_scan_inputs(o, phases);
  if (!inputs) return fail(inputs.error());
  return std::make_shared<const ScanInputs>(std::move(*inputs));
}

std::vector<ScanReport> scan_many(const std::vector<std::string>& targets,
                                  const ScanCommandOptions& o, const ScanInputs& in,
                                  std::vector<std::vector<Image>>& images, LayerScanCache* cache) {
  std::vector<std::unique_ptr<ImageSource>> opened;
  std::vector<ImageSource*> sources;
  std::vector<std::optional<std::string>> open_errors;
  for (const std::string& target : targets) {
    auto source = open_reference(target, in.open_options);
    open_errors.push_back(source ? std::nullopt : std::optional(source.error().message));
    if (!source) continue;
    sources.push_back(source->get());
    opened.push_back(std::move(*source));
  }
  std::vector<std::vector<Image>> scanned_images;
  std::vector<ScanReport> scanned;
  if (!sources.empty()) {
    scanned = scan_sources(sources, *in.engine, scan_options_for(o, in, cache), &scanned_images);
  }
  // One report per target, in order: a target that did not open gets its error.
  std::vector<ScanReport> reports(targets.size());
  images.assign(targets.size(), {});
  for (size_t t = 0, next = 0; t < targets.size(); ++t) {
    if (open_errors[t]) {
      reports[t].errors.push_back(*open_errors[t]);
      reports[t].rules_hash = in.engine->rules().hash();
      continue;
    }
    reports[t] = std::move(scanned[next]);
    images[t] = std::move(scanned_images[next]);
    ++next;
  }
  return reports;
}

const RemoteOptions& remote_options_of(const ScanInputs& in) { return in.open_options; }

std::string rules_hash_of(const ScanInputs& in) { return in.engine->rules().hash(); }

int run_scan_command(const ScanCommandOptions& o) {
  // Report destinations first: a wrong flag fails before a long scan, not after.
  auto requests = report_requests(o);
  if (!requests) {
    spdlog::error("{}", requests.error().message);
    return kExitIncomplete;
  }
  PhaseTimer phases;
  auto inputs = read_scan_inputs(o, phases);
  if (!inputs) {
    spdlog::error("{}", inputs.error().message);
    return kExitIncomplete;
  }
  // With --db the store is opened first: it is the scan's layer cache, and a store that cannot
  // be opened fails before a long scan.
  std::unique_ptr<Store> store;
  if (!o.db.empty()) {
    auto opened = open_store(o.db, StoreOptions{.store_secrets = o.store_secrets});
    if (!opened) {
      spdlog::error("{}", opened.error().message);
      return kExitIncomplete;
    }
    store = std::move(*opened);
  }
  std::unique_ptr<StoreLayerCache> cache;
  if (store) cache = make_store_layer_cache(*store, inputs->engine->rules().hash());
  std::vector<Image> images;
  ScanReport report = scan_target(o, *inputs, images, cache.get());
  // From here on an error or warning that quotes a secret the scan found (in a path, a JSON
  // value) shows it redacted, as the reports do.
  if (!o.reveal) hide_in_diagnostics(report.findings);
  phases.done("scan");
  log_layer_timings(report);
  for (const std::string& e : report.errors) spdlog::error("{}", e);
  // Fixes before triage: a baselined or ignored secret still has its fix.
  const RuleSet& rules = inputs->engine->rules();
  add_remediation(report.findings,
                  {.dockerfile = inputs->dockerfile ? &*inputs->dockerfile : nullptr,
                   .rules = &rules,
                   .images = &images});
  apply_triage_files(inputs->triage, report, today_utc());
  phases.done("fixes and triage");
  for (const std::string& w : report.warnings) spdlog::warn("{}", w);

  ReportOptions report_options = report_options_for(o);
  bool written = write_reports(*requests, report, rules, report_options, o.no_color);
  phases.done("reports written");
  spdlog::info("{}: {} finding(s), {} layer(s), {} file(s), {} bytes scanned in {:.2f} s", o.target,
               report.findings.size(), report.stats.layers, report.stats.files,
               report.stats.bytes_scanned, report.stats.seconds);
  bool recorded = !store || record_into_store(o, *store, images, report);
  phases.done("recorded into the store");
  int exit_code = written && recorded
                      ? exit_code_for(report, report_options.fail_policy, o.exit_code)
                      : kExitIncomplete;
  // Keeping them until exit spares freeing a big report (see keep_until_exit).
  keep_until_exit(std::move(report));
  keep_until_exit(std::move(images));
  keep_until_exit(std::move(inputs->engine));
  return exit_code;
}

}  // namespace strata::app
