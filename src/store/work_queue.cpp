// The shared work queue of a sweep (Store::add_work, claim_work, renew_claims, finish_work,
// work_counts) over the table work_items: claims with leases on the database's clock.
//
// Why the database's clock: workers run on many machines whose clocks differ; a lease judged by
// one clock (PostgreSQL's now, or SQLite's on the one machine sharing the file) expires at the
// same moment for everyone.
#include "sql_session.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

int64_t lease_ms(std::chrono::seconds lease) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(lease).count();
}

// Pending, or claimed by a worker whose lease has run out (it died, or hangs).
std::string claimable_sql(SqlDialect dialect) {
  return std::string(
             "SELECT item_key, payload FROM work_items WHERE sweep_id = ? AND kind = ? "
             "AND (state = 'pending' OR (state = 'claimed' AND lease_until_ms < ") +
         sql_now_ms(dialect) + ")) ORDER BY item_key LIMIT ?" + sql_skip_locked(dialect);
}

std::string claim_sql(SqlDialect dialect) {
  return std::string("UPDATE work_items SET state = 'claimed', worker = ?, lease_until_ms = ") +
         sql_now_ms(dialect) + " + ? WHERE sweep_id = ? AND kind = ? AND item_key = ?";
}

}  // namespace

Status Store::add_work(int64_t sweep_id, const std::vector<WorkItem>& items) {
  auto done = sql_->transaction([&]() -> Status {
    for (const WorkItem& item : items) {
      auto added = sql_->run(
          "INSERT INTO work_items (sweep_id, kind, item_key, payload) VALUES (?, ?, ?, ?) "
          "ON CONFLICT DO NOTHING",
          {sweep_id, item.kind, item.key, SqlBlob{item.payload}});
      if (!added) return fail(added.error().with_context(item.kind + " " + item.key));
    }
    return {};
  });
  if (!done) return fail(error("add work to sweep " + std::to_string(sweep_id), done.error()));
  return {};
}

// PostgreSQL: the SELECT locks the rows it picks and skips rows another worker's claim has
// locked, so two claims never pick one item. SQLite: the write transaction admits one claimer.
Result<std::vector<WorkItem>> Store::claim_work(int64_t sweep_id, std::string_view kind,
                                                std::string_view worker, std::chrono::seconds lease,
                                                size_t max) {
  std::vector<WorkItem> claimed;
  auto done = sql_->transaction([&]() -> Status {
    claimed.clear();
    auto picked = sql_->run(
        claimable_sql(sql_->dialect()), {sweep_id, std::string(kind), static_cast<int64_t>(max)},
        [&](const SqlStatement& row) {
          claimed.push_back(WorkItem{std::string(kind), row.column_text(0), row.column_blob(1)});
        });
    if (!picked) return picked;
    for (const WorkItem& item : claimed) {
      auto updated = sql_->run(claim_sql(sql_->dialect()), {std::string(worker), lease_ms(lease),
                                                            sweep_id, item.kind, item.key});
      if (!updated) return updated;
    }
    return {};
  });
  if (!done) {
    return fail(error("claim " + std::string(kind) + " work of sweep " + std::to_string(sweep_id),
                      done.error()));
  }
  return claimed;
}

Status Store::renew_claims(int64_t sweep_id, std::string_view worker, std::chrono::seconds lease) {
  auto done = sql_->run(std::string("UPDATE work_items SET lease_until_ms = ") +
                            sql_now_ms(sql_->dialect()) +
                            " + ? WHERE sweep_id = ? AND worker = ? AND state = 'claimed'",
                        {lease_ms(lease), sweep_id, std::string(worker)});
  if (!done) return fail(error("renew claims of sweep " + std::to_string(sweep_id), done.error()));
  return {};
}

Status Store::finish_work(int64_t sweep_id, std::string_view kind, std::string_view key,
                          std::string_view worker) {
  std::string what = "finish " + std::string(kind) + " " + std::string(key);
  auto finished = sql_->single_int(
      "UPDATE work_items SET state = 'done', worker = ?, lease_until_ms = NULL "
      "WHERE sweep_id = ? AND kind = ? AND item_key = ? RETURNING 1",
      {std::string(worker), sweep_id, std::string(kind), std::string(key)});
  if (!finished) return fail(error(what, finished.error()));
  if (!*finished) {
    return fail(error(what, Error{"no such item in sweep " + std::to_string(sweep_id)}));
  }
  return {};
}

Result<WorkCounts> Store::work_counts(int64_t sweep_id, std::string_view kind) {
  WorkCounts counts;
  std::string sql = std::string("SELECT CASE WHEN state = 'claimed' AND lease_until_ms < ") +
                    sql_now_ms(sql_->dialect()) +
                    " THEN 'pending' ELSE state END AS s, COUNT(*) FROM work_items "
                    "WHERE sweep_id = ? AND kind = ? GROUP BY s";
  auto done = sql_->run(sql, {sweep_id, std::string(kind)}, [&](const SqlStatement& row) {
    std::string state = row.column_text(0);
    int64_t n = row.column_int(1);
    if (state == "pending") counts.pending += n;
    if (state == "claimed") counts.claimed += n;
    if (state == "done") counts.done += n;
  });
  if (!done) return fail(error("count work of sweep " + std::to_string(sweep_id), done.error()));
  return counts;
}

}  // namespace strata
