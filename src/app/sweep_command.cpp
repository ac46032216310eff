#include "sweep_command.hpp"

#include <fnmatch.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "exit_codes.hpp"
#include "store_recording.hpp"
#include "strata/remote/open_reference.hpp"
#include "strata/remote/registry_catalog.hpp"
#include "sweep_shard.hpp"
#include "sweep_worker.hpp"

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
  sweep
      ->add_option("--db", o.scan.db,
                   "The findings store: an SQLite file (created when missing) or a "
                   "postgresql:// URL (shared by every worker)")
      ->required()
      ->type_name("FILE|URL");
  sweep
      ->add_option("--worker", o.worker,
                   "This worker's name in the sweep's queue (default: the host name); a worker "
                   "restarted under its name resumes what it held at once")
      ->type_name("NAME");
  sweep
      ->add_option("--lease", o.lease_seconds,
                   "Seconds a claimed image stays this worker's without renewal: how soon "
                   "others take over from a worker that died (default: 300)")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
  sweep
      ->add_option("--shard", o.shard,
                   "Sweep only shard K of N (0 <= K < N) by a stable hash of each reference: "
                   "static partitioning without a shared store")
      ->type_name("K/N");
  sweep->add_flag("--exit-zero", o.exit_zero,
                  "Exit 0 when the sweep is complete even if it found secrets (batch jobs that "
                  "read them with strata query); 2 still means something was not scanned");
  sweep->add_flag("--store-secrets", o.scan.store_secrets,
                  "Keep raw secret values in the store too (default: a keyed hash and a "
                  "redacted preview only)");
  sweep->add_option("--platform", o.scan.platform,
                    "Only this platform of multi-platform images (default: all)");
  sweep->add_option("-j,--jobs", o.scan.jobs, "Layers scanned in parallel (default: cores)");
  add_rule_options(*sweep, o.scan.rules);
  add_remote_options(*sweep, o.scan.remote);
}

namespace {

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == 0) return "strata";
  return name;
}

// The worker's place in the queue: the sweep it joins is named by what is swept (and the shard),
// so a rerun of the same command joins the sweep it left.
SweepWorkerOptions worker_options(const SweepCommandOptions& o, std::optional<Shard> shard) {
  SweepWorkerOptions w;
  w.sweep_name = o.registry.empty() ? o.images_from : o.registry;
  if (shard) w.sweep_name += " shard " + shard->str();
  w.worker = o.worker.empty() ? host_name() : o.worker;
  w.lease = std::chrono::seconds(o.lease_seconds);
  return w;
}

}  // namespace

int run_sweep_command(const SweepCommandOptions& o) {
  if (o.registry.empty() == o.images_from.empty()) {
    spdlog::error("sweep: give a registry or --images-from FILE (one of them)");
    return kExitIncomplete;
  }
  std::optional<Shard> shard;
  if (!o.shard.empty()) {
    auto parsed = parse_shard(o.shard);
    if (!parsed) return spdlog::error("sweep: {}", parsed.error().message), kExitIncomplete;
    shard = *parsed;
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
  if (refs && shard) std::erase_if(*refs, [&](const std::string& r) { return !shard->holds(r); });
  auto store = open_store(o.scan.db, StoreOptions{.store_secrets = o.scan.store_secrets});
  if (!refs || !store) {
    spdlog::error("sweep: {}", !refs ? refs.error().message : store.error().message);
    return kExitIncomplete;
  }
  int code = run_sweep_worker(*refs, opts, worker_options(o, shard), **inputs, **store);
  return code == kExitFindings && o.exit_zero ? kExitClean : code;
}

}  // namespace strata::app
