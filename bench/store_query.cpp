// Query time over a big findings store (issue 22, item 8: a query by secret or by fingerprint
// over one million findings answers in < 50 ms), on SQLite or PostgreSQL:
//
//   strata_store_query_bench /tmp/q.db [findings]                 # SQLite file
//   strata_store_query_bench postgresql://strata@127.0.0.1:5432/q [findings]
//
// Fills the store (when it holds fewer findings) with synthetic ones: images of 1,000
// findings, one layer location each, secrets made from their index (fake, never real). Then
// times queries by full fingerprint, by a 12-digit fingerprint prefix and by secret (keyed
// hash) for 25 findings spread over the store, and prints the median and the slowest.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "strata/store/store.hpp"

namespace {

using strata::Finding;
using Clock = std::chrono::steady_clock;

constexpr int kPerImage = 1000;

std::string fake_secret(int i) { return "benchKey" + std::to_string(i * 7919 + 12345) + "xq"; }

Finding synthetic_finding(int i) {
  Finding f;
  f.rule_id = "bench.rule-" + std::to_string(i % 97);
  f.rule_name = f.rule_id;
  f.severity = strata::Severity::kHigh;
  f.secret = strata::SecretValue(fake_secret(i));
  f.fingerprint = strata::finding_fingerprint(f.rule_id, f.secret);
  strata::Location l;
  l.kind = strata::LocationKind::kLayerFile;
  l.layer_digest = "sha256:layer" + std::to_string(i / kPerImage);
  l.path = "app/config/file" + std::to_string(i % kPerImage) + ".env";
  l.line = 1;
  f.locations.push_back(l);
  return f;
}

bool fill(strata::Store& store, int from, int to) {
  auto sweep = store.begin_sweep("bench.registry");
  if (!sweep) return std::fprintf(stderr, "%s\n", sweep.error().message.c_str()), false;
  for (int first = from; first < to; first += kPerImage) {
    std::string n = std::to_string(first / kPerImage);
    strata::ImageRecord image{"bench.registry", "team/app" + n, "1", "sha256:m" + n,
                              "linux/amd64",    "sha256:c" + n, "",  {"sha256:layer" + n}};
    auto id = store.record_image(image);
    if (!id) return std::fprintf(stderr, "%s\n", id.error().message.c_str()), false;
    std::vector<Finding> findings;
    for (int i = first; i < std::min(first + kPerImage, to); ++i) {
      findings.push_back(synthetic_finding(i));
    }
    if (auto done = store.record_image_findings(*id, *sweep, findings); !done) {
      return std::fprintf(stderr, "%s\n", done.error().message.c_str()), false;
    }
    if ((first / kPerImage) % 100 == 0) std::fprintf(stderr, "filled %d\n", first);
  }
  return true;
}

// The store's row count of findings, read as queries read: the highest synthetic index answers.
int stored_findings(strata::Store& store, int wanted) {
  int low = 0, high = wanted;  // a binary search on "finding i is stored"
  while (low < high) {
    int mid = (low + high) / 2;
    strata::QueryFilter by;
    by.fingerprint = synthetic_finding(mid).fingerprint;
    auto rows = store.query(by);
    if (rows && !rows->empty()) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low - low % kPerImage;  // a whole image at a time
}

void report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-28s median %7.2f ms  slowest %7.2f ms  (%zu queries)\n", what, ms[ms.size() / 2],
              ms.back(), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return std::fprintf(stderr, "usage: %s STORE [findings]\n", argv[0]), 2;
  int wanted = argc > 2 ? std::atoi(argv[2]) : 1000000;
  auto store = strata::open_store(argv[1]);
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  int have = stored_findings(**store, wanted);
  auto t0 = Clock::now();
  if (have < wanted && !fill(**store, have, wanted)) return 1;
  double fill_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("store %s: %d findings (%d added in %.1f s)\n", (*store)->name().c_str(), wanted,
              wanted - have, fill_s);
  std::vector<double> by_fingerprint, by_prefix, by_secret;
  auto timed = [](strata::Store& s, const strata::QueryFilter& f, std::vector<double>& into) {
    auto start = Clock::now();
    auto rows = s.query(f);
    into.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!rows || rows->size() != 1) std::fprintf(stderr, "unexpected answer\n"), std::exit(1);
  };
  for (int k = 0; k < 25; ++k) {
    Finding f = synthetic_finding(static_cast<int>((static_cast<long>(wanted) * k) / 25 + k));
    strata::QueryFilter by;
    by.fingerprint = f.fingerprint;
    timed(**store, by, by_fingerprint);
    by.fingerprint = f.fingerprint.substr(0, 12);
    timed(**store, by, by_prefix);
    strata::QueryFilter secret;
    secret.secret_hash = (*store)->secret_key_hash(f.secret.reveal());
    timed(**store, secret, by_secret);
  }
  report("by fingerprint", by_fingerprint);
  report("by fingerprint prefix (12)", by_prefix);
  report("by secret (keyed hash)", by_secret);
  return 0;
}
