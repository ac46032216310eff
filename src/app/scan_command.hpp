// `strata scan`: options, and running a scan to an exit code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "remote_options.hpp"
#include "rule_loading.hpp"
#include "strata/findings/scan_report.hpp"
#include "strata/image/image.hpp"
#include "strata/scan/layer_cache.hpp"

namespace CLI {
class App;
}

namespace strata::app {

struct ScanCommandOptions {
  std::string target;
  std::string format = "text";
  std::string fail_on = "info";      // --fail-on SEVERITY: the lowest severity that fails
  std::string fail_on_fate = "any";  // --fail-on-fate present|any
  int exit_code = 1;                 // --exit-code N: the code for findings
  std::string output;                // --output FILE (empty or "-": stdout)
  std::vector<std::string> reports;  // --report FORMAT=PATH, repeatable
  bool no_color = false;
  bool no_progress = false;
  std::optional<std::string> image;
  std::optional<std::string> platform;
  std::string dockerfile;  // --dockerfile FILE: map history steps to its lines, exact fixes
  RuleOptions rules;
  int jobs = 0;
  bool verify_diff_ids = false;
  bool reveal = false;
  bool list_skipped = false;
  bool show_suppressed = false;
  bool no_default_allowlist = false;
  bool ignore_base = false;  // --ignore-base
  std::string baseline;      // --baseline FILE: a previous strata JSON or SARIF report
  std::string ignore_file;   // --ignore-file FILE (default: ./.strataignore when present)
  RemoteCommandOptions remote;
  std::string db;              // --db FILE: record the scan into this findings store
  bool store_secrets = false;  // --store-secrets: the store keeps raw secret values too
};

void add_scan_command(CLI::App& app, ScanCommandOptions& options);
int run_scan_command(const ScanCommandOptions& options);

// What a scan reads before the image (rules compiled, triage files, remote options, known
// public keys), made once by commands that scan many images with one rule set (strata sweep).
struct ScanInputs;
Result<std::shared_ptr<const ScanInputs>> prepare_scan(const ScanCommandOptions& options);
// Scans several targets as one scan of their layers (scan_sources: a layer they share is
// scanned once, and their layers share the cores): a report and the images read per target,
// in order. A target that cannot be opened gets a report with that error. Layers found in
// `cache` are not read (strata/scan/layer_cache.hpp).
std::vector<ScanReport> scan_many(const std::vector<std::string>& targets,
                                  const ScanCommandOptions& options, const ScanInputs& inputs,
                                  std::vector<std::vector<Image>>& images,
                                  LayerScanCache* cache = nullptr);
const RemoteOptions& remote_options_of(const ScanInputs& inputs);
// The compiled rule set's hash: what a layer cache is bound to.
std::string rules_hash_of(const ScanInputs& inputs);

}  // namespace strata::app
