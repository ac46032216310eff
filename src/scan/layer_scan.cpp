#include "layer_scan.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iterator>
#include <optional>
#include <set>

#include "encoded_values.hpp"
#include "secret_files.hpp"
#include "strata/findings/fingerprint_cache.hpp"

namespace strata {

namespace {

// Streams each regular file through the scanner and keeps its confirmed matches. Files that
// may be secret files (by path) keep their first bytes, to confirm the kind and to decode
// values stored encoded (Docker config auths, Kubernetes Secret data, git loose objects).
class ScanningVisitor final : public EntryVisitor {
 public:
  // `scanner` is the worker's; visitors for nested archives make their own (one per depth).
  // With `fingerprints`, short secrets get their slow fingerprint derived as they are found.
  ScanningVisitor(const MatchEngine& engine, FileScanner* scanner, LayerScanResult& result,
                  FingerprintCache* fingerprints = nullptr)
      : engine_(engine),
        own_scanner_(scanner ? nullptr : std::make_unique<FileScanner>(engine)),
        scanner_(scanner ? *scanner : *own_scanner_),
        result_(result),
        fingerprints_(fingerprints) {}

  EntryVisitor* nested_visitor() override {
    if (!nested_) {
      nested_ = std::make_unique<ScanningVisitor>(engine_, nullptr, result_, fingerprints_);
    }
    return nested_.get();
  }

  Control on_entry(const EntryInfo& entry) override {
    note_git_directory(entry);
    scanning_ = entry.type == EntryType::kFile;
    if (scanning_) {
      path_ = entry.path;
      candidate_ = secret_file_candidate(path_);
      git_object_ = is_git_loose_object(path_);
      head_.clear();
      scanner_.begin(entry.size >= 0 ? static_cast<uint64_t>(entry.size)
                                     : FileScanner::kUnknownSize);
    }
    return Control::kContinue;
  }

  Control on_data(std::string_view chunk) override {
    if (!scanning_) return Control::kContinue;
    scanner_.feed(chunk);
    size_t keep = git_object_ ? kMaxGitObjectBytes : candidate_ ? kSecretFileHeadBytes : 0;
    if (head_.size() < keep) head_.append(chunk.substr(0, keep - head_.size()));
    return Control::kContinue;
  }

  void on_entry_end() override {
    if (!scanning_) return;
    scanning_ = false;
    for (SecretMatch& m : scanner_.finish()) {
      if (fingerprints_) fingerprints_->prepare(engine_.rules().rules[m.rule_index].id, m.secret);
      result_.matches.push_back(FileMatch{path_, std::move(m)});
    }
    note_problems(path_);
    if (uint64_t dropped = scanner_.dropped_matches()) {
      result_.stats.skipped.push_back(path_ + ": " + std::to_string(dropped) +
                                      " matches over the per-file limit");
    }
    if (candidate_) check_secret_file();
    if (git_object_) scan_git_object();
  }

  // A walk that failed mid-file still reports what that file had so far.
  void flush() { on_entry_end(); }

 private:
  static constexpr size_t kMaxGitObjectBytes = 16 << 20;

  void check_secret_file() {
    if (!secret_file_confirmed(*candidate_, head_)) return;
    result_.builtin.push_back(BuiltinHit{path_, candidate_->id, path_, true, 0, 0, 0});
    std::vector<EncodedValue> values;
    if (std::string_view(candidate_->id) == "file.docker-config-auth") {
      values = docker_config_auths(head_);
      for (const EncodedValue& v : values) report_registry_login(v);
    } else if (std::string_view(candidate_->id) == "file.kubernetes-secret") {
      values = kubernetes_secret_data(head_);
    }
    for (const EncodedValue& v : values) scan_decoded(v.decoded, path_ + "!/" + v.label, v.offset);
  }

  // user:password from a registry login: a credential whatever the password looks like.
  void report_registry_login(const EncodedValue& v) {
    std::string password = v.decoded.substr(v.decoded.find(':') + 1);
    if (password.empty()) return;
    auto [line, column] = line_and_column(head_, v.offset);
    result_.builtin.push_back(
        BuiltinHit{path_, "docker.registry-login", password, false, v.offset, line, column});
  }

  void scan_git_object() {
    auto object = inflate_git_object(head_, kMaxGitObjectBytes);
    if (!object) return;
    scan_decoded(*object, path_ + "!/object", 0);
  }

  // Matches in decoded bytes are reported at the encoded value's place in the file.
  void scan_decoded(std::string_view decoded, const std::string& path, uint64_t offset) {
    auto [line, column] = line_and_column(head_, offset);
    for (SecretMatch& m : scanner_.scan(decoded)) {
      m.line = line;
      m.column = column;
      m.secret_start = offset;
      m.secret_end = offset;
      result_.matches.push_back(FileMatch{path, std::move(m)});
    }
    note_problems(path);
  }

  // What the scanner could not scan or confirm in the file it just finished.
  void note_problems(const std::string& path) {
    for (const std::string& problem : scanner_.problems()) {
      result_.incomplete.push_back(path + ": " + problem);
    }
  }

  static std::pair<uint64_t, uint64_t> line_and_column(std::string_view text, uint64_t offset) {
    offset = std::min<uint64_t>(offset, text.size());
    std::string_view before = text.substr(0, offset);
    uint64_t line = 1 + std::count(before.begin(), before.end(), '\n');
    auto nl = before.rfind('\n');
    uint64_t column = nl == std::string_view::npos ? offset + 1 : offset - nl;
    return {line, column};
  }

  // A .git directory is reported once per layer, whether or not the tar lists the directory.
  void note_git_directory(const EntryInfo& entry) {
    std::string dir = git_directory_of(entry.path);
    if (dir.empty() || !git_dirs_.insert(dir).second) return;
    const SecretFileRule& rule = git_directory_rule();
    result_.builtin.push_back(BuiltinHit{dir, rule.id, dir, true, 0, 0, 0});
  }

  const MatchEngine& engine_;
  std::unique_ptr<FileScanner> own_scanner_;
  FileScanner& scanner_;
  LayerScanResult& result_;
  FingerprintCache* fingerprints_;
  std::unique_ptr<ScanningVisitor> nested_;
  std::string path_;
  bool scanning_ = false;
  const SecretFileRule* candidate_ = nullptr;
  bool git_object_ = false;
  std::string head_;
  std::set<std::string> git_dirs_;
};

// A visitor besides the calling worker's, scanning some of a layer's files on another thread,
// and what it found.
struct HelperScan {
  LayerScanResult result;
  std::optional<ScanningVisitor> visitor;
};

// The helpers' findings and notes, after the caller's. The order of matches does not matter:
// findings are grouped and their locations sorted and made unique (a .git directory whose
// entries several threads saw is reported by each of them, and listed once).
void merge_helpers(std::deque<HelperScan>& helpers, LayerScanResult& result) {
  for (HelperScan& h : helpers) {
    h.visitor->flush();
    std::ranges::move(h.result.matches, std::back_inserter(result.matches));
    std::ranges::move(h.result.builtin, std::back_inserter(result.builtin));
    std::ranges::move(h.result.stats.skipped, std::back_inserter(result.stats.skipped));
    std::ranges::move(h.result.incomplete, std::back_inserter(result.incomplete));
  }
}

ScanningVisitor& add_helper(std::deque<HelperScan>& helpers, const MatchEngine& engine,
                            FingerprintCache* fingerprints) {
  HelperScan& h = helpers.emplace_back();
  return h.visitor.emplace(engine, nullptr, h.result, fingerprints);
}

// Decodes the layer's blob and walks its tar; pipelined (see LayerScanOptions) when asked, with
// the visitors of `helpers` on the other threads.
Result<WalkStats> walk_blob(const Layer& layer, ScanningVisitor& visitor, LayerScanResult& result,
                            const MatchEngine& engine, const ScanLimits& limits,
                            const Digest* diff_id, const LayerScanOptions& options,
                            std::deque<HelperScan>& helpers) {
  auto stream = layer.compressed();
  if (!stream) return fail(stream.error());
  // compressed() checks the digest as the blob streams; it vouches for the bytes when the
  // image recorded it.
  bool digest_verified = layer.descriptor().digest_recorded;
  if (!options.pipelined) {
    return walk_layer(std::move(*stream), visitor, result.changes, limits, diff_id,
                      digest_verified);
  }
  PipelineStats pipeline;
  PipelineOptions pipelining;
  pipelining.batches = options.pipeline_batches;
  for (size_t i = 1; i < options.layer_scanners; ++i) {
    pipelining.more_visitors.push_back(&add_helper(helpers, engine, options.fingerprints));
  }
  // The walking thread scans small files itself whenever the scanning threads are behind.
  pipelining.walker_visitor = &add_helper(helpers, engine, nullptr);
  pipelining.digest_verified = digest_verified;
  pipelining.stats = &pipeline;
  auto walked = walk_layer_pipelined(std::move(*stream), visitor, result.changes, limits, diff_id,
                                     pipelining);
  if (pipeline.threaded) result.pipeline = pipeline;
  return walked;
}

// What one worker of a directory scan found, and where each entry's part of it begins (a
// mark per entry that added something, so marks do not grow with the tree).
struct WorkerScan {
  struct Mark {
    uint64_t rank;
    size_t matches;
    size_t builtin;
  };
  LayerScanResult result;
  std::optional<ScanningVisitor> visitor;
  std::vector<Mark> marks;

  void begin_entry(uint64_t rank) {
    bool last_empty = !marks.empty() && marks.back().matches == result.matches.size() &&
                      marks.back().builtin == result.builtin.size();
    if (!last_empty) marks.push_back(Mark{rank, 0, 0});
    marks.back() = Mark{rank, result.matches.size(), result.builtin.size()};
  }
};

// One entry's matches and hits, as they lie in a worker's result.
struct EntrySegment {
  uint64_t rank;
  LayerScanResult* from;
  size_t matches_begin, matches_end, builtin_begin, builtin_end;
};

std::vector<EntrySegment> entry_segments(std::vector<WorkerScan>& workers) {
  std::vector<EntrySegment> segments;
  for (WorkerScan& w : workers) {
    for (size_t i = 0; i < w.marks.size(); ++i) {
      bool last = i + 1 == w.marks.size();
      segments.push_back(EntrySegment{w.marks[i].rank, &w.result, w.marks[i].matches,
                                      last ? w.result.matches.size() : w.marks[i + 1].matches,
                                      w.marks[i].builtin,
                                      last ? w.result.builtin.size() : w.marks[i + 1].builtin});
    }
  }
  std::ranges::sort(segments, {}, &EntrySegment::rank);
  return segments;
}

// The workers' results in the order one thread walking the tree would have made them. A .git
// directory is reported once per layer, by whichever worker saw its first entry.
void merge_in_walk_order(std::vector<WorkerScan>& workers, LayerScanResult& result) {
  std::set<std::string> git_dirs;
  std::string_view git_rule = git_directory_rule().id;
  for (const EntrySegment& s : entry_segments(workers)) {
    std::move(s.from->matches.begin() + s.matches_begin, s.from->matches.begin() + s.matches_end,
              std::back_inserter(result.matches));
    for (size_t i = s.builtin_begin; i < s.builtin_end; ++i) {
      BuiltinHit& hit = s.from->builtin[i];
      if (hit.rule_id == git_rule && !git_dirs.insert(hit.path).second) continue;
      result.builtin.push_back(std::move(hit));
    }
  }
  for (WorkerScan& w : workers) {
    std::ranges::move(w.result.stats.skipped, std::back_inserter(result.stats.skipped));
    std::ranges::move(w.result.incomplete, std::back_inserter(result.incomplete));
  }
}

// walk_directory on `options.directory_workers` threads, each with its own visitor and
// scanner (the first uses the caller's `scanner`).
Result<WalkStats> scan_directory(const std::string& root, const MatchEngine& engine,
                                 FileScanner& scanner, const ScanLimits& limits,
                                 const LayerScanOptions& options, LayerScanResult& result) {
  std::vector<WorkerScan> workers(options.directory_workers);
  DirectoryWorkers walk;
  for (size_t w = 0; w < workers.size(); ++w) {
    workers[w].visitor.emplace(engine, w == 0 ? &scanner : nullptr, workers[w].result,
                               options.fingerprints);
    walk.visitors.push_back(&*workers[w].visitor);
  }
  walk.before_entry = [&](size_t w, uint64_t rank) { workers[w].begin_entry(rank); };
  walk.skip_directory = options.skip_directory;
  auto walked = walk_directory(root, walk, result.changes, limits);
  for (WorkerScan& w : workers) w.visitor->flush();
  merge_in_walk_order(workers, result);
  return walked;
}

// A walk_directory by the calling thread alone.
DirectoryWorkers one_walker(EntryVisitor& visitor, const LayerScanOptions& options) {
  DirectoryWorkers one;
  one.visitors.push_back(&visitor);
  one.skip_directory = options.skip_directory;
  return one;
}

}  // namespace

LayerScanResult scan_layer(const Layer& layer, const MatchEngine& engine, FileScanner& scanner,
                           const ScanLimits& limits, const Digest* diff_id,
                           const LayerScanOptions& options) {
  auto started = std::chrono::steady_clock::now();
  LayerScanResult result;
  if (auto reason = layer.not_served()) {
    result.stats.skipped.push_back("not scanned: " + *reason);
    return result;
  }
  // The scanning threads derive fingerprints ahead (in a pipelined walk they often wait for
  // data); the walking thread, which scans some files too, sets the pace and does not.
  ScanningVisitor visitor(engine, &scanner, result, options.fingerprints);
  std::deque<HelperScan> helpers;
  std::optional<std::string> root = layer.unpacked_root();
  Result<WalkStats> walked =
      !root ? walk_blob(layer, visitor, result, engine, limits, diff_id, options, helpers)
      : options.directory_workers > 1
          ? scan_directory(*root, engine, scanner, limits, options, result)
          : walk_directory(*root, one_walker(visitor, options), result.changes, limits);
  visitor.flush();
  merge_helpers(helpers, result);
  std::ranges::sort(result.incomplete);
  result.stats.skipped.insert(result.stats.skipped.end(), result.incomplete.begin(),
                              result.incomplete.end());
  // Which thread scanned a file varies from run to run; the order of these notes must not.
  std::ranges::sort(result.stats.skipped);
  if (walked) {
    std::vector<std::string> skipped = std::move(result.stats.skipped);
    result.stats = std::move(*walked);
    result.stats.skipped.insert(result.stats.skipped.end(), skipped.begin(), skipped.end());
  } else {
    result.error = walked.error().message;
  }
  if (!result.incomplete.empty()) {
    std::string files = incompleteness_error(result.incomplete);
    result.error = result.error ? *result.error + "; " + files : files;
  }
  result.footprint = LayerFootprint::of(result.changes);
  result.changes = {};
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

std::string incompleteness_error(const std::vector<std::string>& incomplete) {
  if (incomplete.empty()) return {};
  std::string error = "not fully scanned: " + incomplete.front();
  if (incomplete.size() > 1) {
    error += " (and " + std::to_string(incomplete.size() - 1) + " more, listed as skipped)";
  }
  return error;
}

Result<std::string> read_json_layer(const Layer& layer, const ScanLimits& limits) {
  auto stream = layer.compressed();
  if (!stream) return fail(stream.error());
  return read_all(**stream, limits.max_json_bytes);
}

}  // namespace strata
