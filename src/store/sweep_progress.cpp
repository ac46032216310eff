// A sweep shared by many workers: each adds what it swept to the sweep's counts as it goes
// (Store::add_sweep_counts), the last one closes it once (Store::close_sweep), and a worker that
// restarts under its old name hands back what it held when it died (Store::release_claims).
#include "sql_session.hpp"
#include "store_support.hpp"
#include "strata/store/store.hpp"

namespace strata {

Status Store::add_sweep_counts(int64_t sweep_id, const SweepCounts& counts) {
  auto updated = sql_->single_int(
      "UPDATE sweeps SET images = images + ?, layers = layers + ?, "
      "layers_scanned = layers_scanned + ?, findings = findings + ?, errors = errors + ? "
      "WHERE id = ? RETURNING id",
      {counts.images, counts.layers, counts.layers_scanned, counts.findings, counts.errors,
       sweep_id});
  std::string step = "count into sweep " + std::to_string(sweep_id);
  if (!updated) return fail(error(step, updated.error()));
  if (!*updated) return fail(error(step, Error{"no such sweep"}));
  return {};
}

// The item's counts are added only by the call that marks it done, in the same transaction: a
// worker killed before the commit leaves neither, and a late second finisher adds nothing.
Status Store::finish_counted_work(int64_t sweep_id, std::string_view kind, std::string_view key,
                                  std::string_view worker, const SweepCounts& counts) {
  auto done = sql_->transaction([&]() -> Status {
    auto finished = sql_->single_int(
        "UPDATE work_items SET state = 'done', worker = ?, lease_until_ms = NULL "
        "WHERE sweep_id = ? AND kind = ? AND item_key = ? AND state <> 'done' RETURNING 1",
        {std::string(worker), sweep_id, std::string(kind), std::string(key)});
    if (!finished) return fail(finished.error());
    if (!*finished) return {};  // done before (or never queued: nothing to count either)
    return add_sweep_counts(sweep_id, counts);
  });
  if (!done)
    return fail(error("finish " + std::string(kind) + " " + std::string(key), done.error()));
  return {};
}

Result<bool> Store::close_sweep(int64_t sweep_id) {
  auto updated = sql_->single_int(
      "UPDATE sweeps SET ended_at = ? WHERE id = ? AND ended_at IS NULL RETURNING id",
      {now_seconds(), sweep_id});
  if (!updated) return fail(error("end sweep " + std::to_string(sweep_id), updated.error()));
  return updated->has_value();
}

Status Store::release_claims(int64_t sweep_id, std::string_view worker) {
  auto done = sql_->run(
      "UPDATE work_items SET state = 'pending', lease_until_ms = NULL "
      "WHERE sweep_id = ? AND worker = ? AND state = 'claimed'",
      {sweep_id, std::string(worker)});
  if (!done) {
    return fail(error(
        "release the claims of " + std::string(worker) + " in sweep " + std::to_string(sweep_id),
        done.error()));
  }
  return {};
}

}  // namespace strata
