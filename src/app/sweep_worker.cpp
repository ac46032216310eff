#include "sweep_worker.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "exit_codes.hpp"
#include "store_layer_cache.hpp"
#include "sweep_recorder.hpp"
#include "sweep_unchanged.hpp"

namespace strata::app {
namespace {

// Renews the worker's claims every third of the lease until stopped, over its own connection
// (a Store serves one thread), so a long image keeps its claim.
class LeaseKeeper {
 public:
  LeaseKeeper(const std::string& db, int64_t sweep_id, const SweepWorkerOptions& w)
      : thread_([this, db, sweep_id, w] { run(db, sweep_id, w); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void run(const std::string& db, int64_t sweep_id, const SweepWorkerOptions& w) {
    auto store = open_store(db);
    if (!store) {
      spdlog::warn("sweep: leases are not renewed: {}", store.error().message);
      return;
    }
    auto period = std::max<std::chrono::milliseconds>(w.lease / 3, std::chrono::seconds(1));
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
      if (auto renewed = (*store)->renew_claims(sweep_id, w.worker, w.lease); !renewed) {
        spdlog::warn("sweep: {}", renewed.error().message);
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// A claimed batch of references: those the store holds unchanged are recorded as seen at once,
// the others scanned together (their new layers share the cores, a layer they share is scanned
// once); all handed to the recorder.
bool sweep_batch(const std::vector<WorkItem>& items, const SweepCommandOptions& o,
                 const ScanInputs& inputs, Store& store, StoreLayerCache* cache, int64_t sweep_id,
                 SweepRecorder& recorder) {
  std::vector<ScannedReference> batch;
  std::vector<std::string> to_scan;
  const std::string rules_hash = rules_hash_of(inputs);  // hashes every rule: once per batch
  for (const WorkItem& item : items) {
    ScannedReference seen;
    seen.ref = item.key;
    auto unchanged = record_if_unchanged(item.key, remote_options_of(inputs), store, sweep_id,
                                         rules_hash, seen.counts);
    if (!unchanged) spdlog::debug("{}: scanned again: {}", item.key, unchanged.error().message);
    if (unchanged && *unchanged) {
      seen.unchanged = true;
      batch.push_back(std::move(seen));
    } else {
      to_scan.push_back(item.key);
    }
  }
  std::vector<std::vector<Image>> images;
  std::vector<ScanReport> reports = scan_many(to_scan, o.scan, inputs, images, cache);
  for (size_t i = 0; i < to_scan.size(); ++i) {
    for (const std::string& e : reports[i].errors) spdlog::error("{}: {}", to_scan[i], e);
    ScannedReference scanned;
    scanned.ref = to_scan[i];
    scanned.images = std::move(images[i]);
    scanned.report = std::move(reports[i]);
    batch.push_back(std::move(scanned));
  }
  return recorder.submit(std::move(batch));
}

// Nothing pending and nothing claimed by a live worker: the sweep is complete. While other
// workers hold claims this one waits, so it takes over the claims of one that dies.
Result<bool> queue_drained(Store& store, int64_t sweep_id, const SweepWorkerOptions& w) {
  auto counts = store.work_counts(sweep_id, kImageWork);
  if (!counts) return fail(counts.error());
  if (counts->pending == 0 && counts->claimed == 0) return true;
  auto pause = std::min<std::chrono::milliseconds>(w.lease / 4, std::chrono::seconds(1));
  std::this_thread::sleep_for(std::max(pause, std::chrono::milliseconds(100)));
  return false;
}

// Claims references a batch at a time and hands each batch to the recorder; once none is left to
// claim, waits for the recorder (its references are still claimed) and for other workers.
bool drain_queue(const SweepCommandOptions& o, const SweepWorkerOptions& w,
                 const ScanInputs& inputs, Store& store, StoreLayerCache* cache, int64_t sweep_id,
                 SweepRecorder& recorder) {
  while (true) {
    auto claimed = store.claim_work(sweep_id, kImageWork, w.worker, w.lease, w.batch);
    if (!claimed) return spdlog::error("sweep: {}", claimed.error().message), false;
    if (!claimed->empty()) {
      if (!sweep_batch(*claimed, o, inputs, store, cache, sweep_id, recorder)) return false;
      continue;
    }
    if (!recorder.wait()) return false;
    auto drained = queue_drained(store, sweep_id, w);
    if (!drained) return spdlog::error("sweep: {}", drained.error().message), false;
    if (*drained) return true;
  }
}

// Claims and sweeps references until the queue is drained; the recorder writes each into the
// store (over a connection of its own) while the next batch scans. False on a store error.
bool work_through_queue(const SweepCommandOptions& o, const SweepWorkerOptions& w,
                        const ScanInputs& inputs, Store& store, int64_t sweep_id,
                        WorkerTotals& totals) {
  auto recorder_store = open_store(o.scan.db, StoreOptions{.store_secrets = o.scan.store_secrets});
  if (!recorder_store) return spdlog::error("sweep: {}", recorder_store.error().message), false;
  std::unique_ptr<StoreLayerCache> cache = make_store_layer_cache(store, rules_hash_of(inputs));
  LeaseKeeper keeper(o.scan.db, sweep_id, w);
  SweepRecorder recorder(**recorder_store, o, w, sweep_id);
  bool ok = drain_queue(o, w, inputs, store, cache.get(), sweep_id, recorder);
  ok = recorder.wait() && ok;
  totals = recorder.totals();
  return ok;
}

Result<int64_t> join_and_queue(const std::vector<std::string>& refs, const SweepWorkerOptions& w,
                               Store& store) {
  auto sweep = store.join_or_begin_sweep(w.sweep_name);
  if (!sweep) return fail(sweep.error());
  std::vector<WorkItem> items;
  for (const std::string& ref : refs) items.push_back(WorkItem{kImageWork, ref, ""});
  if (auto added = store.add_work(*sweep, items); !added) return fail(added.error());
  if (auto released = store.release_claims(*sweep, w.worker); !released) {
    return fail(released.error());
  }
  return *sweep;
}

// The sweep's own counts once ended (every worker's), else this worker's.
int summarize(Store& store, int64_t sweep_id, bool ended, const WorkerTotals& totals,
              const std::string& db) {
  std::cout << totals.references << " image reference(s) swept into " << db << ": "
            << totals.findings << " finding(s) in " << totals.with_findings << " of them, "
            << totals.failed << " incomplete, " << totals.unchanged << " unchanged; "
            << totals.layers_scanned << " layer(s) scanned now (the rest read from the store)\n";
  if (!ended) return totals.failed ? kExitIncomplete : totals.findings ? kExitFindings : kExitClean;
  auto sweeps = store.sweeps();
  if (!sweeps) return spdlog::error("sweep: {}", sweeps.error().message), kExitIncomplete;
  for (const SweepRecord& s : *sweeps) {
    if (s.id != sweep_id) continue;
    std::cout << "sweep " << sweep_id << " ended: " << s.counts.images << " image(s), "
              << s.counts.findings << " finding(s), " << s.counts.errors << " incomplete\n";
    if (s.counts.errors) return kExitIncomplete;
    return s.counts.findings ? kExitFindings : kExitClean;
  }
  return kExitIncomplete;
}

}  // namespace

int run_sweep_worker(const std::vector<std::string>& refs, const SweepCommandOptions& o,
                     const SweepWorkerOptions& w, const ScanInputs& inputs, Store& store) {
  auto sweep = join_and_queue(refs, w, store);
  if (!sweep) return spdlog::error("sweep: {}", sweep.error().message), kExitIncomplete;
  WorkerTotals totals;
  if (!work_through_queue(o, w, inputs, store, *sweep, totals)) return kExitIncomplete;
  auto ended = store.close_sweep(*sweep);
  if (!ended) return spdlog::error("sweep: {}", ended.error().message), kExitIncomplete;
  return summarize(store, *sweep, *ended, totals, o.scan.db);
}

}  // namespace strata::app
