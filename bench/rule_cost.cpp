// strata_rule_cost: which rules make the match stage slow. Loads the files of an uncompressed
// layer tar (real content) into memory, then times FileScanner (Hyperscan pass + PCRE2 confirm)
// over every file, once with all rules and once per rule alone, and prints the rules sorted
// by their cost alone (seconds, candidates confirmed, matches), slowest first.
//
//   strata_rule_cost RULES_DIR LAYER.tar [MAX_MB] [TOP_N]
//   strata_rule_cost RULES_DIR LAYER.tar MAX_MB --without ID[,ID|PREFIX*...]
//
// A rule's cost alone does not add up to the cost of the whole set (Hyperscan shares literal
// work between patterns), but the rules that are slow alone are the ones to look at first.
// --without times the whole set against the set without each listed rule (or rule-id prefix,
// `facebook.*`), interleaved, best of 7: what removing them would gain. That is the cost that
// matters, where a rule's cost alone mostly measures the per-file floor.
// Set STRATA_NO_CACHE=1 to keep the per-rule databases out of the compile cache.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata {
namespace {

std::vector<std::string> load_files(const char* path, size_t max_bytes) {
  std::vector<std::string> files;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  if (archive_read_open_filename(a, path, 1 << 20) != ARCHIVE_OK) {
    std::fprintf(stderr, "%s: %s\n", path, archive_error_string(a));
    std::exit(2);
  }
  size_t total = 0;
  archive_entry* e = nullptr;
  while (total < max_bytes && archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string data(static_cast<size_t>(archive_entry_size(e)), '\0');
    la_ssize_t n = archive_read_data(a, data.data(), data.size());
    if (n < 0) break;
    data.resize(static_cast<size_t>(n));
    total += data.size();
    files.push_back(std::move(data));
  }
  archive_read_free(a);
  return files;
}

struct Cost {
  std::string rule;
  double seconds = 0;
  size_t matches = 0;
};

Cost time_scan(const MatchEngine& engine, const std::vector<std::string>& files) {
  FileScanner scanner(engine);
  Cost c;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& f : files) c.matches += scanner.scan(f).size();
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

// For each id (or `prefix.*`) in a comma-separated list: the set's time with and without it.
void time_without(const RuleSet& rules, const MatchEngine& all, const std::string& list,
                  const std::vector<std::string>& files) {
  std::string ids = list + ",";
  for (size_t pos = 0, next; (next = ids.find(',', pos)) != std::string::npos; pos = next + 1) {
    std::string id = ids.substr(pos, next - pos);
    if (id.empty()) continue;
    bool prefix = id.ends_with("*");
    std::string stem = prefix ? id.substr(0, id.size() - 1) : id;
    RuleSet rest;
    for (const Rule& r : rules.rules) {
      if (prefix ? !r.id.starts_with(stem) : r.id != id) rest.rules.push_back(r);
    }
    auto engine = MatchEngine::compile(std::move(rest));
    if (!engine) {
      std::fprintf(stderr, "without %s: %s\n", id.c_str(), engine.error().message.c_str());
      continue;
    }
    double with = 1e9, without = 1e9;
    for (int i = 0; i < 7; ++i) {  // interleaved: the machines are noisy
      with = std::min(with, time_scan(all, files).seconds);
      without = std::min(without, time_scan(**engine, files).seconds);
    }
    std::printf("without %-40s %.4f s (all %.4f s): %+.1f%%\n", id.c_str(), without, with,
                100 * (without - with) / with);
  }
}

int run(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s RULES_DIR LAYER.tar [MAX_MB] [TOP_N]\n"
                 "       %s RULES_DIR LAYER.tar MAX_MB --without ID[,ID|PREFIX*...]\n",
                 argv[0], argv[0]);
    return 2;
  }
  size_t max_mb = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 200;
  bool without = argc > 5 && std::string(argv[4]) == "--without";
  size_t top = argc > 4 && !without ? std::strtoul(argv[4], nullptr, 10) : 40;
  auto rules = load_rule_files({argv[1]});
  if (!rules) {
    std::fprintf(stderr, "rules: %s\n", rules.error().message.c_str());
    return 2;
  }
  std::vector<std::string> files = load_files(argv[2], max_mb << 20);
  size_t bytes = 0;
  for (const std::string& f : files) bytes += f.size();
  std::printf("sample: %zu files, %.1f MB\n", files.size(), bytes / 1e6);

  auto all = MatchEngine::compile(*rules);
  if (!all) {
    std::fprintf(stderr, "rules: %s\n", all.error().message.c_str());
    return 2;
  }
  if (without) {
    time_without(*rules, **all, argv[5], files);
    return 0;
  }
  Cost whole = time_scan(**all, files);
  for (int i = 0; i < 4; ++i) {  // best of 5: the machines are noisy
    Cost again = time_scan(**all, files);
    if (again.seconds < whole.seconds) whole = again;
  }
  std::printf("all %zu rules: %.3f s, %.0f MB/s, %zu matches\n", rules->rules.size(), whole.seconds,
              bytes / 1e6 / whole.seconds, whole.matches);

  std::vector<Cost> costs;
  for (const Rule& rule : rules->rules) {
    if (top == 0) break;
    if (rule.builtin) continue;
    RuleSet one;
    one.rules.push_back(rule);
    auto engine = MatchEngine::compile(std::move(one));
    if (!engine) continue;
    Cost c = time_scan(**engine, files);
    c.rule = rule.id;
    costs.push_back(c);
  }
  std::ranges::sort(costs, [](const Cost& a, const Cost& b) { return a.seconds > b.seconds; });
  double sum = 0;
  for (const Cost& c : costs) sum += c.seconds;
  std::printf("sum of rules alone: %.3f s\n%-44s %9s %9s %8s\n", sum, "rule", "seconds", "MB/s",
              "matches");
  for (size_t i = 0; i < costs.size() && i < top; ++i) {
    std::printf("%-44s %9.3f %9.0f %8zu\n", costs[i].rule.c_str(), costs[i].seconds,
                bytes / 1e6 / costs[i].seconds, costs[i].matches);
  }
  // The whole set without the rules that are slowest alone: how much of the set's cost they are.
  for (size_t drop : {10, 20, 40, 80, 160}) {
    if (drop > costs.size()) break;
    RuleSet rest;
    for (const Rule& rule : rules->rules) {
      bool slow = std::ranges::any_of(costs.begin(), costs.begin() + static_cast<long>(drop),
                                      [&](const Cost& c) { return c.rule == rule.id; });
      if (!slow) rest.rules.push_back(rule);
    }
    auto engine = MatchEngine::compile(std::move(rest));
    if (!engine) continue;
    Cost c = time_scan(**engine, files);
    for (int i = 0; i < 2; ++i) c.seconds = std::min(c.seconds, time_scan(**engine, files).seconds);
    std::printf("all but the %zu slowest: %.3f s, %.0f MB/s\n", drop, c.seconds,
                bytes / 1e6 / c.seconds);
  }
  return 0;
}

}  // namespace
}  // namespace strata

int main(int argc, char** argv) { return strata::run(argc, argv); }
