#include "sweep_recorder.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <set>

#include "store_recording.hpp"
#include "strata/core/exception_text.hpp"
#include "strata/core/thread_start.hpp"

namespace strata::app {
namespace {

// Records a scanned reference's images into `counts`. False when the scan or the recording was
// incomplete.
bool record_scanned(Store& store, int64_t sweep_id, const ScannedReference& scanned,
                    bool store_secrets, SweepCounts& counts) {
  std::set<std::string> layers;
  for (const Image& image : scanned.images) {
    for (const LayerInfo& layer : image.layers) layers.insert(layer.blob.digest.str());
  }
  Status recorded = record_images(store, sweep_id, scanned.ref, scanned.images, scanned.report,
                                  store_secrets, counts);
  if (!recorded) spdlog::error("{}", recorded.error().message);
  counts.layers = static_cast<int64_t>(layers.size());
  return scanned.report.errors.empty() && recorded;
}

}  // namespace

SweepRecorder::SweepRecorder(Store& store, const SweepCommandOptions& options,
                             const SweepWorkerOptions& worker, int64_t sweep_id)
    : store_(store), options_(options), worker_(worker), sweep_id_(sweep_id) {}

SweepRecorder::~SweepRecorder() { wait(); }

bool SweepRecorder::submit(std::vector<ScannedReference> batch) {
  if (!wait()) return false;
  // An exception (memory running out) must not end the process from this thread: it stops the
  // recorder, as a store error does.
  running_ = start_thread_or_run_inline([this, batch = std::move(batch)] {
    for (const ScannedReference& scanned : batch) {
      try {
        ok_ = record(scanned);
      } catch (...) {
        spdlog::error("sweep: {}: not recorded: {}", scanned.ref,
                      exception_text(std::current_exception()));
        ok_ = false;
      }
      if (!ok_) return;
    }
  });
  return true;
}

bool SweepRecorder::wait() {
  if (running_.joinable()) running_.join();
  return ok_;
}

// Recorded (unless unchanged), then marked done with its counts added to the sweep's, then one
// line printed. False when the store failed to mark it done.
bool SweepRecorder::record(const ScannedReference& scanned) {
  SweepCounts counts = scanned.counts;
  bool failed = false;
  if (!scanned.unchanged) {
    failed = !record_scanned(store_, sweep_id_, scanned, options_.scan.store_secrets, counts);
  }
  counts.errors = failed ? 1 : 0;
  Status finished =
      store_.finish_counted_work(sweep_id_, kImageWork, scanned.ref, worker_.worker, counts);
  if (!finished) return spdlog::error("sweep: {}", finished.error().message), false;
  totals_.references += 1;
  totals_.failed += failed;
  totals_.unchanged += scanned.unchanged;
  totals_.with_findings += counts.findings > 0;
  totals_.findings += counts.findings;
  totals_.layers_scanned += counts.layers_scanned;
  std::cout << scanned.ref << ": " << counts.findings << " finding(s)"
            << (scanned.unchanged ? " (unchanged)" : "") << (failed ? ", incomplete" : "")
            << std::endl;
  return true;
}

}  // namespace strata::app
