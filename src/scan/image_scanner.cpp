#include "strata/scan/image_scanner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "cached_layers.hpp"
#include "layer_scan.hpp"
#include "strata/core/exception_text.hpp"
#include "strata/core/parallel_for.hpp"
#include "strata/core/thread_priority.hpp"
#include "strata/core/thread_start.hpp"
#include "strata/findings/fingerprint_cache.hpp"
#include "strata/findings/path_allowlist.hpp"
#include "strata/findings/timeline.hpp"
#include "strata/image/history_step.hpp"
#include "strata/image/image_config.hpp"
#include "strata/scan/base_attribution.hpp"

namespace strata {

namespace {

Confidence confidence_of(const MatchEngine& engine, const SecretMatch& m) {
  // A token format's checksum is stronger evidence than the rule's pattern alone: a valid
  // one is almost surely a real token, an invalid one a placeholder or a typo (still shown).
  if (m.checksum == ValidationState::kValid) return Confidence::kHigh;
  if (m.checksum == ValidationState::kInvalid) return Confidence::kLow;
  return engine.rules().rules[m.rule_index].confidence;
}

Finding finding_for(const MatchEngine& engine, const SecretMatch& m) {
  const Rule& rule = engine.rules().rules[m.rule_index];
  Finding f;
  f.rule_id = rule.id;
  f.rule_name = rule.name;
  f.severity = rule.severity;
  f.confidence = confidence_of(engine, m);
  f.checksum = m.checksum;
  f.secret = SecretValue(m.secret);
  if (m.allowed_by) {
    f.suppression = Suppression{
        "rule-allow", "matches the rule's allow pattern '" + rule.allow[*m.allowed_by] + "'"};
  } else if (m.below_entropy_floor) {
    char reason[160];
    std::snprintf(reason, sizeof reason,
                  "%.2f bits per character, below the rule's floor of %.2f: filler in the "
                  "token's shape, not a secret",
                  m.entropy, rule.min_entropy);
    f.suppression = Suppression{"low-entropy", reason};
  }
  return f;
}

Location base_location(const Image& image, LocationKind kind) {
  Location l;
  l.kind = kind;
  l.image = image.reference;
  l.platform = image.platform.str();
  l.fate = Fate{FateKind::kNotInFilesystem, {}};
  return l;
}

// When the secret sits in a build arg's value of a history step, names the arg.
void describe_history_string(const Image& image, const ConfigString& cs, const SecretMatch& m,
                             Location& l) {
  if (!cs.history_step || *cs.history_step < 0 ||
      *cs.history_step >= static_cast<int>(image.history.size())) {
    return;
  }
  const HistoryEntry& step = image.history[*cs.history_step];
  l.history_step = cs.history_step;
  l.created_by = step.created_by;
  HistoryStep parsed = parse_history_step(step.created_by);
  l.step_mounts_secret = parsed.mounts_secret;
  if (cs.text != step.created_by) return;
  for (const BuildArg& arg : parsed.build_args) {
    uint64_t begin = arg.value_offset, end = arg.value_offset + arg.value.size();
    if (m.secret_start >= begin && m.secret_end <= end) l.build_arg = arg.name;
  }
}

// Scans every distinct string once and reports each match at every place the string occurs.
// A string the scanner could not fully scan is listed as skipped, and makes the scan incomplete.
void scan_strings(const Image& image, const std::vector<ConfigString>& strings, LocationKind kind,
                  FileScanner& scanner, const MatchEngine& engine, std::vector<Finding>& out,
                  ScanReport& report) {
  std::map<std::string_view, std::vector<const ConfigString*>> by_text;
  for (const ConfigString& cs : strings) by_text[cs.text].push_back(&cs);
  std::vector<std::string> incomplete;
  for (const auto& [text, places] : by_text) {
    for (const SecretMatch& m : scanner.scan(text)) {
      Finding f = finding_for(engine, m);
      for (const ConfigString* cs : places) {
        Location l = base_location(image, kind);
        l.config_location = cs->location;
        l.offset = m.secret_start;
        l.line = m.line;
        l.column = m.column;
        describe_history_string(image, *cs, m, l);
        f.locations.push_back(std::move(l));
      }
      out.push_back(std::move(f));
    }
    for (const std::string& problem : scanner.problems()) {
      incomplete.push_back(image.reference + " " + places.front()->location + ": " + problem);
    }
  }
  if (incomplete.empty()) return;
  report.errors.push_back(incompleteness_error(incomplete));
  std::ranges::move(incomplete, std::back_inserter(report.skipped));
}

void scan_attestation(const Image& image, FileScanner& scanner, const MatchEngine& engine,
                      const ScanOptions& options, ScanReport& report, std::vector<Finding>& out) {
  for (const LayerInfo& layer : image.layers) {
    std::string what = image.reference + ": attestation layer " + layer.blob.digest.short_str();
    auto text = read_json_layer(*layer.layer, options.limits);
    if (!text) {
      report.errors.push_back(what + ": " + text.error().message);
      continue;
    }
    report.stats.bytes_scanned += text->size();
    auto strings = collect_json_strings(*text, "attestation " + layer.blob.digest.short_str());
    if (!strings) {
      // Not JSON after all (some tools store other payloads): scan the bytes as they are.
      strings = std::vector<ConfigString>{
          ConfigString{"attestation " + layer.blob.digest.short_str(), *text, {}}};
    }
    scan_strings(image, *strings, LocationKind::kAttestation, scanner, engine, out, report);
  }
}

// The steps that wrote a layer: its own step, or for a squashed build the file-writing steps
// of its range (buildah marks them empty_layer and gives the layer to the last entry).
std::optional<std::pair<int, int>> building_steps(const Image& image, const LayerInfo& layer) {
  if (!layer.history_first || !layer.history_last) return std::nullopt;
  int first = *layer.history_last, last = *layer.history_last;
  bool found = false;
  for (int i = *layer.history_first; i <= *layer.history_last; ++i) {
    if (!parse_history_step(image.history[i].created_by).writes_files()) continue;
    if (!found) first = i;
    last = i;
    found = true;
  }
  return std::make_pair(first, last);
}

Location layer_location(const Image& image, const LayerInfo& layer, int index,
                        const std::string& path) {
  Location l = base_location(image, LocationKind::kLayerFile);
  l.layer_index = index;
  l.layer_digest = layer.blob.digest.str();
  l.path = path;
  if (auto steps = building_steps(image, layer)) {
    l.history_step = steps->first;
    if (steps->second != steps->first) l.history_last = steps->second;
    l.created_by = image.history[steps->second].created_by;
  }
  return l;
}

// A secret file is escalated when a rule also matched inside it (or inside what it contains:
// decoded values, nested archives, a .git directory's objects).
std::optional<Finding> builtin_finding(const BuiltinHit& hit, const std::vector<FileMatch>& matches,
                                       const MatchEngine& engine) {
  const Rule* rule = engine.rules().find(hit.rule_id);
  if (!rule) return std::nullopt;  // not selected
  Finding f;
  f.rule_id = rule->id;
  f.rule_name = rule->name;
  f.severity = rule->severity;
  f.confidence = hit.secret_is_path ? Confidence::kMedium : Confidence::kHigh;
  f.secret = SecretValue(hit.secret);
  f.secret_is_path = hit.secret_is_path;
  if (!hit.secret_is_path) return f;
  const std::string nested = hit.path + "!/", below = hit.path + "/";
  for (const FileMatch& m : matches) {
    bool inside =
        m.path.starts_with(hit.path) && (m.path.size() == hit.path.size() ||
                                         m.path.starts_with(nested) || m.path.starts_with(below));
    if (!inside) continue;
    f.severity = std::max(f.severity, engine.rules().rules[m.match.rule_index].severity);
    f.confidence = Confidence::kHigh;
  }
  return f;
}

// The matches of one rule with one secret in a layer.
struct MatchKey {
  size_t rule_index;
  std::string_view secret;
  bool operator==(const MatchKey&) const = default;
};
struct MatchKeyHash {
  size_t operator()(const MatchKey& k) const {
    return std::hash<std::string_view>()(k.secret) ^ (k.rule_index * 0x9e3779b97f4a7c15ull);
  }
};

// The findings of one layer: one per (rule, secret) with a location per match, made from its
// first match, then one per secret-file hit; merge_findings merges across layers and images
// the same way, so grouping here only spares it tens of thousands of one-location findings
// (a node_modules tree). The locations are built on every core: this is a serial step after
// the scan.
void add_one_layer_findings(const Image& image, int index, const LayerScanResult& result,
                            const Timeline& timeline, const MatchEngine& engine,
                            std::vector<Finding>& out) {
  const LayerInfo& layer = image.layers[index];
  const Location base = layer_location(image, layer, index, "");
  const std::vector<FileMatch>& matches = result.matches;
  std::unordered_map<MatchKey, size_t, MatchKeyHash> finding_of;
  std::vector<Location*> location_of(matches.size());
  {
    std::vector<size_t> finding_index(matches.size());
    for (size_t k = 0; k < matches.size(); ++k) {
      const SecretMatch& m = matches[k].match;
      auto [it, inserted] = finding_of.try_emplace(MatchKey{m.rule_index, m.secret}, out.size());
      if (inserted) {
        out.push_back(finding_for(engine, m));
      } else {
        Finding& f = out[it->second];
        f.confidence = std::max(f.confidence, confidence_of(engine, m));
      }
      finding_index[k] = it->second;
    }
    // Each finding's locations are allocated once, then filled in place.
    std::vector<size_t> counts(out.size());
    for (size_t f : finding_index) ++counts[f];
    for (const auto& [key, f] : finding_of) out[f].locations.resize(counts[f]);
    std::vector<size_t> filled(out.size());
    for (size_t k = 0; k < matches.size(); ++k) {
      size_t f = finding_index[k];
      location_of[k] = &out[f].locations[filled[f]++];
    }
  }
  // A file's matches are consecutive and share its fate.
  std::vector<size_t> file_starts;
  for (size_t k = 0; k < matches.size(); ++k) {
    if (k == 0 || matches[k].path != matches[k - 1].path) file_starts.push_back(k);
  }
  // A thread is only worth starting for many matches (most layers hold none or a few).
  size_t threads = matches.size() >= 256 ? core_count() : 1;
  parallel_for(file_starts.size(), threads, [&](size_t r) {
    size_t end = r + 1 < file_starts.size() ? file_starts[r + 1] : matches.size();
    Fate fate = timeline.fate_of(index, matches[file_starts[r]].path);
    for (size_t k = file_starts[r]; k < end; ++k) {
      Location& l = *location_of[k];
      l = base;
      l.path = matches[k].path;
      l.offset = matches[k].match.secret_start;
      l.line = matches[k].match.line;
      l.column = matches[k].match.column;
      l.fate = fate;
    }
  });
  for (const BuiltinHit& hit : result.builtin) {
    std::optional<Finding> f = builtin_finding(hit, matches, engine);
    if (!f) continue;
    Location l = base;
    l.path = hit.path;
    l.offset = hit.offset;
    l.line = hit.line;
    l.column = hit.column;
    l.fate = timeline.fate_of(index, l.path);
    f->locations.push_back(std::move(l));
    out.push_back(std::move(*f));
  }
}

void add_layer_findings(const Image& image, const std::vector<const LayerScanResult*>& results,
                        const MatchEngine& engine, std::vector<Finding>& out) {
  std::vector<const LayerFootprint*> footprints;
  for (const LayerScanResult* r : results) footprints.push_back(&r->footprint);
  Timeline timeline(footprints);
  for (size_t i = 0; i < results.size(); ++i) {
    add_one_layer_findings(image, static_cast<int>(i), *results[i], timeline, engine, out);
  }
}

// A generic rule's finding whose every location is a file in an allowlisted path.
void suppress_allowlisted(const MatchEngine& engine, std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    const Rule* rule = engine.rules().find(f.rule_id);
    if (f.suppression || !rule || !rule->generic) continue;
    std::optional<std::string> pattern;
    for (const Location& l : f.locations) {
      pattern = l.kind == LocationKind::kLayerFile ? default_allowlist_match(l.path) : std::nullopt;
      if (!pattern) break;
    }
    if (pattern)
      f.suppression = Suppression{"default-path-allowlist", "generic match in " + *pattern};
  }
}

ImageSummary summarize(const Image& image) {
  ImageSummary summary;  // the base image fields are filled in by the base attribution
  summary.source = image.source;
  summary.reference = image.reference;
  summary.platform = image.platform.str();
  summary.manifest_digest = image.manifest_digest.empty() ? "" : image.manifest_digest.str();
  summary.config_digest = image.config_digest.empty() ? "" : image.config_digest.str();
  summary.is_attestation = image.is_attestation;
  summary.layers = static_cast<int>(image.layers.size());
  summary.history_mapped = image.history_mapped;
  return summary;
}

// The report's copy of a pipelined walk's statistics (the report knows nothing of the walk).
std::optional<PipelineTimes> pipeline_times(const std::optional<PipelineStats>& p) {
  if (!p) return std::nullopt;
  return PipelineTimes{.walker_cpu = p->walker_cpu,
                       .walker_waited = p->walker_waited,
                       .reader_cpu = p->reader_cpu,
                       .visitor_cpu = p->visitor_cpu,
                       .visitor_waited = p->visitor_waited,
                       .walker_files = p->walker_files,
                       .scanning_threads = p->visiting_threads};
}

// File data in flight in pipelined layer walks, split among the workers (each keeps at least
// PipelineOptions' default); see PipelineOptions.
constexpr size_t kPipelineBytesInFlight = 64 << 20;
// Short-secret fingerprints the scanning threads may derive ahead of merge_findings (~0.1 ms
// each). Enough for a real tree (a node_modules holds a few hundred); an image made of
// thousands of weak passwords costs at most this much on top of merge_findings' own cap.
constexpr size_t kPreparedFingerprints = 1024;

// The distinct layers of a source's images (shared across the images of an archive or index),
// each scanned once.
struct LayerJobs {
  std::map<std::string, size_t> job_of;  // by Layer::key()
  std::vector<const Layer*> layers;
  std::vector<const Digest*> diff_ids;  // to verify, per job (null: not asked, or redundant)
  std::vector<size_t> order;            // biggest first, so the workers finish together
};

int64_t size_of(const Layer* layer) { return layer->descriptor().size; }

// Adds the layers of `images` not yet among the jobs; gives the jobs these images use, each
// once, in the order first used.
std::vector<size_t> add_layer_jobs(const std::vector<Image>& images, const ScanOptions& options,
                                   LayerJobs& jobs) {
  std::vector<size_t> used;
  std::set<size_t> seen;
  for (const Image& image : images) {
    if (image.is_attestation) continue;
    for (const LayerInfo& layer : image.layers) {
      auto [it, inserted] = jobs.job_of.try_emplace(layer.layer->key(), jobs.layers.size());
      if (seen.insert(it->second).second) used.push_back(it->second);
      if (!inserted) continue;
      jobs.layers.push_back(layer.layer.get());
      // Uncompressed blobs (legacy docker-archive) are their own diff_id: already verified.
      bool verify = options.verify_diff_ids && layer.diff_id && *layer.diff_id != layer.blob.digest;
      jobs.diff_ids.push_back(verify ? &*layer.diff_id : nullptr);
    }
  }
  return used;
}

void order_layer_jobs(LayerJobs& jobs) {
  jobs.order.resize(jobs.layers.size());
  for (size_t i = 0; i < jobs.order.size(); ++i) jobs.order[i] = i;
  std::stable_sort(jobs.order.begin(), jobs.order.end(), [&](size_t a, size_t b) {
    return size_of(jobs.layers[a]) > size_of(jobs.layers[b]);
  });
}

// Scans every layer job on `options.jobs` workers (or reads it from the layer cache); results
// by job index. What the cache could not answer is warned about in `cache_warnings`.
std::vector<LayerScanResult> scan_layers(const LayerJobs& jobs, const MatchEngine& engine,
                                         const ScanOptions& options,
                                         std::optional<FingerprintCache>& fingerprints,
                                         std::vector<std::string>& cache_warnings) {
  std::vector<LayerScanResult> results(jobs.layers.size());
  std::atomic<size_t> next{0};
  size_t threads_allowed = options.jobs > 0 ? static_cast<size_t>(options.jobs) : core_count();
  // Each worker also pipelines its layer (decode on a helper thread, scan on its own) unless
  // limited to one thread: one big layer then keeps two cores busy, and the last layers of a
  // scan do not leave cores idle. Pipelining never changes the result.
  size_t workers = std::min(threads_allowed, jobs.layers.size());
  LayerScanOptions layer_options;
  layer_options.skip_directory = options.skip_directory;
  layer_options.pipelined = threads_allowed > 1;
  // A directory is a source's only layer: its files are spread over every thread allowed.
  layer_options.directory_workers = threads_allowed;
  // A layer's files are spread over the threads its worker has to itself: every thread
  // allowed when the image has one layer to scan.
  layer_options.layer_scanners =
      std::max<size_t>(threads_allowed / std::max<size_t>(workers, 1), 1);
  // The file data in flight between decoding and scanning is one budget split among the
  // workers: deeper queues absorb the bursts (a run of small files decodes slower than it
  // scans, a big file the other way round) that otherwise leave one of the threads waiting.
  PipelineOptions pipelining;
  layer_options.pipeline_batches =
      std::max(pipelining.batches,
               kPipelineBytesInFlight / (pipelining.batch_bytes * std::max<size_t>(workers, 1)));
  // Slow fingerprints are derived during the scan when it has threads to spare (see
  // FingerprintCache); with one thread nothing would overlap.
  if (layer_options.pipelined) {
    fingerprints.emplace(kPreparedFingerprints);
    layer_options.fingerprints = &*fingerprints;
  }
  // The largest layers are the scan's critical path: a layer's decoding thread cannot share its
  // work. A layer of at most half the largest one's size is scanned at a lower priority (on
  // threads of their own, which the pipelined walk's threads inherit), so it takes the cycles
  // the larger layers' threads leave idle while they wait on each other, instead of slowing
  // their decoding threads down. Layers of similar size share the cores equally, so that none
  // is left to finish alone. Later layers are smaller, so a lowered thread never needs to rise.
  int64_t largest = jobs.order.empty() ? 0 : size_of(jobs.layers[jobs.order[0]]);  // -1: unknown
  // An exception escaping a layer's scan (a source that throws, memory running out) must not
  // end the process from a worker thread: it fails that layer only, and becomes its error here.
  std::vector<std::exception_ptr> thrown(jobs.layers.size());
  cache_warnings.assign(jobs.layers.size(), "");
  auto worker = [&](bool own_thread) {
    std::optional<FileScanner> scanner;
    for (size_t k; (k = next.fetch_add(1)) < jobs.order.size();) {
      size_t i = jobs.order[k];
      try {
        if (options.layer_cache) {
          auto cached =
              cached_layer_result(*options.layer_cache, *jobs.layers[i], engine, cache_warnings[i]);
          if (cached) {
            results[i] = std::move(*cached);
            continue;
          }
        }
        if (!scanner) scanner.emplace(engine);
        int64_t size = size_of(jobs.layers[i]);
        if (own_thread && size >= 0 && size <= largest / 2) lower_thread_priority(kFillerNice);
        results[i] = scan_layer(*jobs.layers[i], engine, *scanner, options.limits, jobs.diff_ids[i],
                                layer_options);
      } catch (...) {
        thrown[i] = std::current_exception();
      }
    }
  };
  // The threads started share the layers, with this one if none started.
  std::vector<std::thread> threads =
      start_threads(workers > 1 ? workers : 0, [&worker] { worker(true); });
  if (threads.empty()) worker(false);
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < jobs.layers.size(); ++i) {
    if (thrown[i]) results[i].error = "scan failed: " + exception_text(thrown[i]);
  }
  return results;
}

// The error, skipped entries and counts of the layers a source used (`used`: job indices),
// into its report.
void record_layer_results(const LayerJobs& jobs, const std::vector<LayerScanResult>& results,
                          const std::vector<size_t>& used, ScanReport& report) {
  for (size_t i : used) {
    const LayerScanResult& r = results[i];
    std::string what = "layer " + jobs.layers[i]->short_name();
    if (r.error) report.errors.push_back(what + ": " + *r.error);
    for (const std::string& s : r.stats.skipped) report.skipped.push_back(what + ": " + s);
    report.stats.files += r.stats.files;
    report.stats.bytes_compressed += r.stats.bytes_in;
    report.stats.bytes_scanned += r.stats.file_bytes;
    report.stats.layers_cached += r.from_cache ? 1 : 0;
  }
  report.stats.layers = used.size();
  std::set<size_t> mine(used.begin(), used.end());
  for (size_t i : jobs.order) {
    if (!mine.count(i)) continue;
    report.stats.layer_timings.push_back(LayerTiming{
        jobs.layers[i]->short_name(), results[i].seconds, pipeline_times(results[i].pipeline)});
  }
}

// Every image's findings, unmerged: its config strings, attestations and layers.
std::vector<Finding> collect_findings(const std::vector<Image>& images, const LayerJobs& jobs,
                                      const std::vector<LayerScanResult>& results,
                                      const MatchEngine& engine, const ScanOptions& options,
                                      ScanReport& report) {
  FileScanner scanner(engine);
  std::vector<Finding> findings;
  for (const Image& image : images) {
    report.images.push_back(summarize(image));
    report.stats.images += image.is_attestation ? 0 : 1;
    report.stats.config_strings += image.config_strings.size();
    scan_strings(image, image.config_strings, LocationKind::kConfig, scanner, engine, findings,
                 report);
    if (image.is_attestation) {
      scan_attestation(image, scanner, engine, options, report, findings);
      continue;
    }
    std::vector<const LayerScanResult*> layer_results;
    for (const LayerInfo& layer : image.layers) {
      layer_results.push_back(&results[jobs.job_of.at(layer.layer->key())]);
    }
    add_layer_findings(image, layer_results, engine, findings);
  }
  return findings;
}

// Merges the findings into the report, then marks the suppressed ones. The most specific reason
// wins: the rule's own allow (set per match), then a known public value, then the path
// allowlist.
void merge_into_report(std::vector<Finding> findings, const MatchEngine& engine,
                       const ScanOptions& options, FingerprintCache* fingerprints,
                       ScanReport& report) {
  MergeStats merge_stats;
  report.findings =
      merge_findings(std::move(findings), &merge_stats, kMaxSlowFingerprints, fingerprints);
  if (merge_stats.unmatched_fingerprints > 0) {
    report.warnings.push_back(
        std::to_string(merge_stats.unmatched_fingerprints) + " finding(s) past the first " +
        std::to_string(kMaxSlowFingerprints) +
        " short (rule, secret) findings got a one-off fingerprint (each is a slow PBKDF2 "
        "derivation): no baseline or ignore entry matches them by fingerprint, so they count "
        "as new in every run");
  }
  if (options.known_public) {
    for (Finding& f : report.findings) {
      const std::string* why = f.suppression ? nullptr : options.known_public->reason_for(f.secret);
      if (why) f.suppression = Suppression{"known-public", *why};
    }
  }
  if (options.default_path_allowlist) suppress_allowlisted(engine, report.findings);
}

// Puts the layers a source used that are not put yet (`put`, by job) into the cache, with its
// merged findings: a layer several sources share is put once, with the first one's (a finding's
// fingerprint is the same in every report).
void put_new_layers(LayerScanCache& cache, const LayerJobs& jobs,
                    const std::vector<LayerScanResult>& results, const std::vector<size_t>& used,
                    const MatchEngine& engine, std::vector<bool>& put, ScanReport& report) {
  std::vector<const Layer*> layers;
  std::vector<const LayerScanResult*> scanned;
  for (size_t i : used) {
    if (put[i]) continue;
    put[i] = true;
    layers.push_back(jobs.layers[i]);
    scanned.push_back(&results[i]);
  }
  put_layer_results(cache, layers, scanned, report.findings, engine, report.warnings);
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

std::vector<ScanReport> scan_sources(const std::vector<ImageSource*>& sources,
                                     const MatchEngine& engine, const ScanOptions& options,
                                     std::vector<std::vector<Image>>* images_out) {
  auto started = std::chrono::steady_clock::now();
  std::vector<ScanReport> reports(sources.size());
  std::vector<std::vector<Image>> images(sources.size());
  LayerJobs jobs;
  std::vector<std::vector<size_t>> used(sources.size());  // each source's layer jobs
  std::vector<bool> read(sources.size());
  const std::string rules_hash = engine.rules().hash();  // hashes every rule: once
  for (size_t s = 0; s < sources.size(); ++s) {
    reports[s].rules_hash = rules_hash;
    auto source_images = sources[s]->images();
    if (!source_images) {
      reports[s].errors.push_back(source_images.error().message);
      continue;
    }
    read[s] = true;
    images[s] = std::move(*source_images);
    used[s] = add_layer_jobs(images[s], options, jobs);
  }
  order_layer_jobs(jobs);
  std::optional<FingerprintCache> fingerprints;
  std::vector<std::string> cache_warnings;
  std::vector<LayerScanResult> results =
      scan_layers(jobs, engine, options, fingerprints, cache_warnings);
  double layers_seconds = seconds_since(started);
  std::vector<std::vector<Finding>> findings(sources.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    if (!read[s]) continue;
    reports[s].stats.layers_seconds = layers_seconds;
    record_layer_results(jobs, results, used[s], reports[s]);
    for (size_t i : used[s]) {
      if (!cache_warnings[i].empty()) reports[s].warnings.push_back(cache_warnings[i]);
    }
    findings[s] = collect_findings(images[s], jobs, results, engine, options, reports[s]);
  }
  // Every layer's file list and matches are done with (unless they go to the layer cache, with
  // the merged fingerprints); freeing them (a node_modules layer lists tens of thousands of
  // paths) is a serial step of its own, so it runs while the findings merge.
  std::thread releasing;
  if (!options.layer_cache) releasing = start_thread_or_run_inline([done = std::move(results)] {});
  std::vector<bool> put(jobs.layers.size());
  for (size_t s = 0; s < sources.size(); ++s) {
    if (!read[s]) continue;
    merge_into_report(std::move(findings[s]), engine, options,
                      fingerprints ? &*fingerprints : nullptr, reports[s]);
    if (options.layer_cache) {
      put_new_layers(*options.layer_cache, jobs, results, used[s], engine, put, reports[s]);
    }
    attribute_base_images(reports[s], images[s]);
  }
  if (releasing.joinable()) releasing.join();
  for (ScanReport& report : reports) report.stats.seconds = seconds_since(started);
  if (images_out) *images_out = std::move(images);
  return reports;
}

ScanReport scan_source(ImageSource& source, const MatchEngine& engine, const ScanOptions& options,
                       std::vector<Image>* images_out) {
  std::vector<std::vector<Image>> images;
  std::vector<ScanReport> reports =
      scan_sources({&source}, engine, options, images_out ? &images : nullptr);
  if (images_out) *images_out = std::move(images.front());
  return std::move(reports.front());
}

void scan_source(ImageSource& source, const MatchEngine& engine, const ScanOptions& options,
                 FindingSink& sink, std::vector<Image>* images) {
  replay_report(scan_source(source, engine, options, images), sink);
}

}  // namespace strata
