// One worker of a sweep: joins the running sweep of its target in the store (or starts it),
// queues every reference (idempotent: workers enumerating at once add each reference once),
// then claims references a few at a time under a lease, scans and records each and marks it
// done. The worker that finds the queue empty ends the sweep. Killed at any moment, a rerun
// resumes: finished references are skipped, their layers come from the store's layer cache,
// and recording is idempotent (no finding twice).
//
//   SweepWorkerOptions w{.sweep_name = "registry:5000", .worker = "host-1",
//                        .lease = std::chrono::seconds(300)};
//   int exit_code = run_sweep_worker(refs, options, w, inputs, store);
//
// Thread safety: one worker per call. It runs two more threads, each with its own store
// connection: one renews its lease while an image scans, one records each scanned reference
// while the next one scans (sweep_recorder.hpp). Errors are logged (never a secret) and give exit
// code 2.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sweep_command.hpp"

namespace strata {
class Store;
}

namespace strata::app {

// The kind of the queue's work items: one image reference each.
inline constexpr const char* kImageWork = "image";

struct SweepWorkerOptions {
  std::string sweep_name;  // the registry, or the --images-from file (with the shard)
  std::string worker;      // --worker: who holds a claim
  std::chrono::seconds lease{300};
  size_t batch = 2;  // references claimed at once
};

int run_sweep_worker(const std::vector<std::string>& refs, const SweepCommandOptions& options,
                     const SweepWorkerOptions& worker, const ScanInputs& inputs, Store& store);

}  // namespace strata::app
