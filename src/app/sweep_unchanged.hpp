// Incremental sweeps: a reference whose manifest the store already holds, with every layer
// scanned under this rule set, is recorded as seen by this sweep (its findings' last sighting
// moves, its tag points at it) from one manifest request: neither its config nor a layer is
// fetched.
//
//   SweepCounts counts;
//   auto seen = record_if_unchanged(ref, remote, store, sweep_id, rules_hash, counts);
//   if (seen && *seen) …skip the scan…;
//
// Thread safety: one call per Store at a time. Errors (the registry, the store) are the
// caller's to log; false means "scan it".
#pragma once

#include <string>

#include "strata/remote/open_reference.hpp"
#include "strata/store/store.hpp"

namespace strata::app {

Result<bool> record_if_unchanged(const std::string& ref, const RemoteOptions& remote, Store& store,
                                 int64_t sweep_id, const std::string& rules_hash,
                                 SweepCounts& counts);

}  // namespace strata::app
