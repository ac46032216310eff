#include "sweep_command.hpp"

#include <fnmatch.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "exit_codes.hpp"
#include "store_layer_cache.hpp"
#include "store_recording.hpp"
#include "strata/remote/open_reference.hpp"
#include "strata/remote/registry_catalog.hpp"

namespace strata::app {
namespace {

bool matches_any(const std::vector<std::string>& globs, const std::string& name) {
  if (globs.empty()) return true;
  for (const std::string& glob : globs) {
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

Result<std::vector<std::string>> references_from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("--images-from " + path + ": cannot open");
  std::vector<std::string> refs;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.starts_with("#")) continue;
    refs.push_back(line);
  }
  return refs;
}

// The newest `n` of one repository's references by image creation time (the config's
// "created"; of a multi-platform tag, its newest platform). A reference whose images cannot be
// read sorts last: it is still swept when it makes the cut, and its scan says what failed.
std::vector<std::string> newest(std::vector<std::string> refs, size_t n,
                                const RemoteOptions& remote) {
  if (refs.size() <= n) return refs;
  std::map<std::string, std::string> created;
  for (const std::string& ref : refs) {
    auto source = open_reference(ref, remote);
    auto images = source ? (*source)->images() : fail(source.error());
    if (!images) continue;
    for (const Image& image : *images) created[ref] = std::max(created[ref], image_created(image));
  }
  std::ranges::stable_sort(refs, std::greater<>(), [&](const std::string& r) {
    auto it = created.find(r);
    return it == created.end() ? std::string() : it->second;
  });
  refs.resize(n);
  return refs;
}

// registry/repo:tag for every repository and tag the globs select (with --latest, the newest of
// each repository's).
Result<std::vector<std::string>> references_in_registry(const SweepCommandOptions& o,
                                                        const RemoteOptions& remote) {
  auto catalog = RegistryCatalog::connect(o.registry, remote);
  if (!catalog) return fail(catalog.error());
  auto repos = (*catalog)->repositories();
  if (!repos) return fail(repos.error());
  std::vector<std::string> refs;
  for (const std::string& repo : *repos) {
    if (!matches_any(o.repos, repo)) continue;
    auto tags = (*catalog)->tags(repo);
    if (!tags) return fail(tags.error());
    std::vector<std::string> selected;
    for (const std::string& tag : *tags) {
      if (matches_any(o.tags, tag)) selected.push_back(o.registry + "/" + repo + ":" + tag);
    }
    if (o.latest > 0) selected = newest(std::move(selected), o.latest, remote);
    refs.insert(refs.end(), selected.begin(), selected.end());
  }
  return refs;
}

struct SweepTotals {
  SweepCounts counts;
  std::set<std::string> layers;  // distinct layer digests of every image swept
  size_t failed = 0;
  size_t with_findings = 0;
};

// Scans one reference (its layers already in the store are neither downloaded nor scanned) and
// records it; prints one line.
void sweep_one(const std::string& ref, const SweepCommandOptions& o, const ScanInputs& inputs,
               Store& store, StoreLayerCache* cache, int64_t sweep_id, SweepTotals& totals) {
  ScanCommandOptions scan = o.scan;
  scan.target = ref;
  std::vector<Image> images;
  ScanReport report = scan_with(scan, inputs, images, cache);
  for (const Image& image : images) {
    for (const LayerInfo& layer : image.layers) totals.layers.insert(layer.blob.digest.str());
  }
  for (const std::string& e : report.errors) spdlog::error("{}: {}", ref, e);
  Status recorded =
      record_images(store, sweep_id, ref, images, report, o.scan.store_secrets, totals.counts);
  if (!recorded) spdlog::error("{}", recorded.error().message);
  bool failed = !report.errors.empty() || !recorded;
  totals.failed += failed;
  totals.with_findings += !report.findings.empty();
  std::cout << ref << ": " << report.findings.size() << " finding(s)"
            << (failed ? ", incomplete" : "") << "\n";
}

}  // namespace

void add_sweep_command(CLI::App& app, SweepCommandOptions& o) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Scan every repository and tag of a registry into a findings store");
  sweep->add_option("registry", o.registry, "Registry host[:port] whose catalog is swept");
  sweep
      ->add_option("--images-from", o.images_from,
                   "Sweep the references in this file instead (one per line; for registries "
                   "without a catalog)")
      ->type_name("FILE");
  sweep->add_option("--repo", o.repos, "Only repositories matching this glob; repeatable")
      ->allow_extra_args(false);
  sweep->add_option("--tag", o.tags, "Only tags matching this glob; repeatable")
      ->allow_extra_args(false);
  sweep
      ->add_option("--latest", o.latest,
                   "Only the N most recently created tags of each repository (by the image "
                   "config's creation time)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  sweep->add_option("--db", o.scan.db, "The findings store (SQLite file, created when missing)")
      ->required()
      ->type_name("FILE");
  sweep->add_flag("--store-secrets", o.scan.store_secrets,
                  "Keep raw secret values in the store too (default: a keyed hash and a "
                  "redacted preview only)");
  sweep->add_option("--platform", o.scan.platform,
                    "Only this platform of multi-platform images (default: all)");
  sweep->add_option("-j,--jobs", o.scan.jobs, "Layers scanned in parallel (default: cores)");
  add_rule_options(*sweep, o.scan.rules);
  add_remote_options(*sweep, o.scan.remote);
}

int run_sweep_command(const SweepCommandOptions& o) {
  if (o.registry.empty() == o.images_from.empty()) {
    spdlog::error("sweep: give a registry or --images-from FILE (one of them)");
    return kExitIncomplete;
  }
  SweepCommandOptions opts = o;
  opts.scan.target = o.registry.empty() ? o.images_from : o.registry;
  opts.scan.no_progress = true;
  auto inputs = prepare_scan(opts.scan);
  if (!inputs) {
    spdlog::error("{}", inputs.error().message);
    return kExitIncomplete;
  }
  auto refs = o.images_from.empty() ? references_in_registry(opts, remote_options_of(**inputs))
                                    : references_from_file(o.images_from);
  auto store = open_store(o.scan.db, StoreOptions{.store_secrets = o.scan.store_secrets});
  auto sweep = store ? (*store)->begin_sweep(o.registry) : fail(store.error());
  if (!refs || !sweep) {
    spdlog::error("sweep: {}", !refs ? refs.error().message : sweep.error().message);
    return kExitIncomplete;
  }
  SweepTotals totals;
  std::unique_ptr<StoreLayerCache> cache = make_store_layer_cache(**store, rules_hash_of(**inputs));
  for (const std::string& ref : *refs) {
    sweep_one(ref, opts, **inputs, **store, cache.get(), *sweep, totals);
  }
  totals.counts.errors = static_cast<int64_t>(totals.failed);
  totals.counts.layers = static_cast<int64_t>(totals.layers.size());
  if (auto ended = (*store)->end_sweep(*sweep, totals.counts); !ended) {
    spdlog::error("{}", ended.error().message);
    return kExitIncomplete;
  }
  std::cout << refs->size() << " image reference(s) swept into " << o.scan.db << ": "
            << totals.counts.findings << " finding(s) in " << totals.with_findings << " of them, "
            << totals.failed << " incomplete; " << totals.counts.layers << " distinct layer(s), "
            << totals.counts.layers_scanned << " scanned now (the rest read from the store)\n";
  if (totals.failed) return kExitIncomplete;
  return totals.with_findings ? kExitFindings : kExitClean;
}

}  // namespace strata::app
