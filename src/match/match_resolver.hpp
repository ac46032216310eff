// Resolves overlapping matches of one file: within a rule the longest match wins; a generic
// rule's match that overlaps a provider rule's reported secret is dropped (the specific rule
// wins; a provider match its rule's allow list suppressed hides nothing); of generic matches
// on the same secret bytes only the first-listed rule's is kept. The result is sorted by offset.
#pragma once

#include <vector>

#include "strata/match/match_engine.hpp"

namespace strata {

// generic[i] tells whether rule i is generic. Idempotent.
std::vector<SecretMatch> resolve_overlaps(std::vector<SecretMatch> matches,
                                          const std::vector<bool>& generic);

// The order resolve_overlaps returns: by match start, then end, then rule.
void sort_by_offset(std::vector<SecretMatch>& matches);

}  // namespace strata
