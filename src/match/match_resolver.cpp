#include "match_resolver.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace strata {
namespace {

bool overlaps(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end) {
  return a_start < b_end && b_start < a_end;
}

// Per rule, greedily keeps the longest matches that overlap nothing already kept.
std::vector<SecretMatch> keep_longest_per_rule(std::vector<SecretMatch> matches) {
  std::ranges::sort(matches, [](const SecretMatch& a, const SecretMatch& b) {
    uint64_t la = a.match_end - a.match_start;
    uint64_t lb = b.match_end - b.match_start;
    return std::tuple(a.rule_index, lb, a.match_start) <
           std::tuple(b.rule_index, la, b.match_start);
  });
  std::vector<SecretMatch> kept;
  std::map<uint64_t, uint64_t> taken;  // start -> end of kept spans of the current rule
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i > 0 && matches[i].rule_index != matches[i - 1].rule_index) taken.clear();
    const SecretMatch& m = matches[i];
    // Kept spans are disjoint, so the one starting last before m ends is the only candidate.
    auto it = taken.lower_bound(m.match_end);
    if (it != taken.begin() && std::prev(it)->second > m.match_start) continue;
    taken.emplace(m.match_start, m.match_end);
    kept.push_back(m);
  }
  return kept;
}

// Generic rules overlap by design (a strong and a weak password rule on one assignment): of
// the reported (not allowed) generic matches with the same secret bytes, the rule listed first
// keeps it, so one secret is one finding.
template <typename IsGeneric>
void drop_duplicate_generic(std::vector<SecretMatch>& matches, const IsGeneric& is_generic) {
  std::map<std::pair<uint64_t, uint64_t>, size_t> first;  // secret span -> lowest rule index
  for (const auto& m : matches) {
    if (!is_generic(m) || m.suppressed()) continue;
    auto [it, inserted] = first.try_emplace({m.secret_start, m.secret_end}, m.rule_index);
    if (!inserted) it->second = std::min(it->second, m.rule_index);
  }
  // An allowed generic match on those bytes is dropped too: another generic rule reports them.
  std::erase_if(matches, [&](const SecretMatch& m) {
    if (!is_generic(m)) return false;
    auto it = first.find({m.secret_start, m.secret_end});
    return it != first.end() && (m.suppressed() || it->second != m.rule_index);
  });
}

// Spans sorted by start with their running maximum end: does any of them overlap a range?
class SpanSet {
 public:
  void add(uint64_t start, uint64_t end) { spans_.emplace_back(start, end); }
  void seal() {
    std::ranges::sort(spans_);
    max_end_.resize(spans_.size());
    for (size_t i = 0; i < spans_.size(); ++i) {
      max_end_[i] = std::max(spans_[i].second, i > 0 ? max_end_[i - 1] : 0);
    }
  }
  bool overlaps_any(uint64_t start, uint64_t end) const {
    // Spans starting before `end`; one of them overlaps iff their furthest end passes start.
    auto it = std::ranges::lower_bound(spans_, std::pair(end, uint64_t{0}));
    size_t n = static_cast<size_t>(it - spans_.begin());
    return n > 0 && overlaps(start, end, 0, max_end_[n - 1]);
  }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> spans_;
  std::vector<uint64_t> max_end_;
};

std::vector<SecretMatch> resolve_real(std::vector<SecretMatch> matches,
                                      const std::vector<bool>& generic) {
  auto is_generic = [&](const SecretMatch& m) {
    return m.rule_index < generic.size() && generic[m.rule_index];
  };
  matches = keep_longest_per_rule(std::move(matches));

  // Secret spans of provider rules, sorted by start, with the running maximum end. A match the
  // provider's own allow list calls a placeholder claims no bytes: the generic rules judge
  // them by their own allow lists (a default password its URI rule allows is still weak).
  SpanSet specific;
  for (const auto& m : matches) {
    if (!is_generic(m) && !m.suppressed()) specific.add(m.secret_start, m.secret_end);
  }
  specific.seal();
  std::erase_if(matches, [&](const SecretMatch& m) {
    return is_generic(m) && specific.overlaps_any(m.match_start, m.match_end);
  });
  drop_duplicate_generic(matches, is_generic);
  return matches;
}

}  // namespace

void sort_by_offset(std::vector<SecretMatch>& matches) {
  std::ranges::stable_sort(matches, [](const SecretMatch& a, const SecretMatch& b) {
    return std::tuple(a.match_start, a.match_end, a.rule_index) <
           std::tuple(b.match_start, b.match_end, b.rule_index);
  });
}

std::vector<SecretMatch> resolve_overlaps(std::vector<SecretMatch> matches,
                                          const std::vector<bool>& generic) {
  // Filler below a rule's entropy floor never displaces a real match (a longer filler match of
  // the same rule would otherwise win): it is kept only where no other match lies.
  auto filler_at = std::ranges::partition(matches, [](const SecretMatch& m) {
                     return !m.below_entropy_floor;
                   }).begin();
  std::vector<SecretMatch> filler(std::make_move_iterator(filler_at),
                                  std::make_move_iterator(matches.end()));
  matches.erase(filler_at, matches.end());
  matches = resolve_real(std::move(matches), generic);
  if (!filler.empty()) {
    SpanSet taken;
    for (const auto& m : matches) taken.add(m.match_start, m.match_end);
    taken.seal();
    for (SecretMatch& m : keep_longest_per_rule(std::move(filler))) {
      if (!taken.overlaps_any(m.match_start, m.match_end)) matches.push_back(std::move(m));
    }
  }
  sort_by_offset(matches);
  return matches;
}

}  // namespace strata
