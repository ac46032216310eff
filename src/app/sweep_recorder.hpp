// SweepRecorder: records a sweep worker's scanned references into the store on a thread of its
// own, while the worker downloads and scans the next reference. An image's record is one
// transaction of a row per finding location (tens of thousands for a node_modules tree); written
// in line, it adds to every reference's time, while the scan leaves a core idle part of the time.
//
//   SweepRecorder recorder(*second_store, options, worker, sweep_id);
//   if (!recorder.submit(std::move(batch))) return false;  // an earlier one failed
//   if (!recorder.wait()) return false;                    // before asking the queue
//
// References are recorded one at a time, in the order handed over: each recorded, then marked
// done in the queue, then its line printed. submit() waits for the previous batch, so memory
// holds at most two batches' results (the one recorded, the one scanned). A store error stops
// the recorder: submit() and wait() then return false, and the references stay claimed (another
// worker takes them over after the lease).
//
// Thread safety: one thread calls submit() and wait(). The store given is used only by the
// recorder's thread (a Store serves one thread): it must be a connection of its own.
#pragma once

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "strata/findings/scan_report.hpp"
#include "strata/image/image.hpp"
#include "strata/store/store.hpp"
#include "sweep_command.hpp"
#include "sweep_worker.hpp"

namespace strata::app {

// One reference as the worker hands it over: scanned, or already recorded from the store
// because its images did not change (then `counts` says what it holds).
struct ScannedReference {
  std::string ref;
  bool unchanged = false;
  SweepCounts counts;
  std::vector<Image> images;
  ScanReport report;
};

// What one worker swept, for its summary line.
struct WorkerTotals {
  size_t references = 0;
  size_t with_findings = 0;
  size_t failed = 0;
  int64_t findings = 0;
  size_t unchanged = 0;  // recorded from the store without a blob
  int64_t layers_scanned = 0;
};

class SweepRecorder {
 public:
  SweepRecorder(Store& store, const SweepCommandOptions& options, const SweepWorkerOptions& worker,
                int64_t sweep_id);
  ~SweepRecorder();
  SweepRecorder(const SweepRecorder&) = delete;
  SweepRecorder& operator=(const SweepRecorder&) = delete;

  // Waits for the batch before, then records this one in the background. False (and nothing
  // started) when a recording failed.
  bool submit(std::vector<ScannedReference> batch);
  // Waits until every reference handed over is recorded. False when a recording failed.
  bool wait();
  // What was recorded; read after wait().
  const WorkerTotals& totals() const { return totals_; }

 private:
  bool record(const ScannedReference& scanned);

  Store& store_;
  const SweepCommandOptions& options_;
  const SweepWorkerOptions& worker_;
  int64_t sweep_id_;
  WorkerTotals totals_;
  bool ok_ = true;  // written by the recording thread, read after it is joined
  std::thread running_;
};

}  // namespace strata::app
