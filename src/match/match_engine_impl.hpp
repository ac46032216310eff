// The compiled form of a RuleSet, shared read-only by every FileScanner.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handles.hpp"
#include "strata/match/match_engine.hpp"

namespace strata {

struct CompiledRule {
  // The original pattern, compiled PCRE2_ENDANCHORED: confirmed at a Hyperscan end. Null for a
  // keyword-context rule whose every alternative is a head.
  match_detail::Pcre2CodePtr confirm;
  // A keyword-context rule's pattern, unanchored: searched for around a trigger.
  match_detail::Pcre2CodePtr around;
  uint32_t secret_group = 0;  // 0: the whole match is the secret
  size_t max_width = 0;       // from hs_expression_info, bounded
  std::vector<match_detail::Pcre2CodePtr> allow;
  // The confirm and allow patterns are JIT-compiled on a rule's first candidate, not at
  // start-up: most rules never see one, and JIT for all of them was a third of a warm start.
  std::unique_ptr<std::once_flag> jit = std::make_unique<std::once_flag>();

  // Call before matching; safe from several threads at once.
  void ensure_jit() const;
};

// The keyword-context rules' second stage (context_rules.hpp).
struct ContextStage {
  // The trigger's id in the stream database: no rule's index. Not the number of rules: a
  // database compiled without the built-in rules (the shipped one) must give the same id.
  static constexpr unsigned kTriggerId = 0xffffffffu;
  match_detail::HsDatabasePtr vendors;  // block mode; a vendor reports its rule's index
  std::vector<uint32_t> rules;          // the keyword-context rules (vendor pattern ids)
  std::vector<uint32_t> head_widths;    // per rule: widest match of its head (to the operator)
  size_t back = 0;                      // the widest head: how far before a trigger to look
  size_t reach = 0;                     // the widest such rule: how far after it a match may end
};

struct MatchEngine::Impl {
  RuleSet rules;
  std::vector<CompiledRule> compiled;    // parallel to rules.rules
  match_detail::HsDatabasePtr database;  // null when there are no rules
  ContextStage context;                  // context.vendors is null when no rule is one
  size_t max_window = 0;
  uint32_t max_capture_count = 0;
};

// A "{n}", "{n,}" or "{n,m}" repeat: its length in the pattern and its bounds as written
// (`high` empty for "{n,}", equal to `low` for "{n}").
struct Repeat {
  size_t length = 0;
  std::string low;
  std::string high;
  bool has_comma = false;
};

// The repeat at p[i], or nothing when there is none (bounds of 1 to 9 digits: wider ones are
// past any width a rule may have).
std::optional<Repeat> parse_repeat(std::string_view p, size_t i);

// Hyperscan has no named groups: "(?P<name>" and "(?<name>" become plain "(".
// Whether wide bounded repeats are kept ({64,8192}) or relaxed to unbounded ({64,}) for the
// candidate pass.
enum class RepeatForm { kExact, kRelaxWide };
std::string to_hyperscan_expression(std::string_view pattern, RepeatForm form);

// Hyperscan triggers a pattern on one of its literals, and for `\bAC[0-9a-f]{32}` the only one is
// the two bytes "AC", which real content is full of (minified JavaScript and source maps: 715k
// times in 150 MB of node_modules, each hit a confirm inside Hyperscan; that one rule was 10% of
// the whole scan). A short leading literal followed by a small class is split into one
// expression per class member ("AC0[0-9a-f]{31}", "AC1[0-9a-f]{31}", …): the same matches with
// the same ends, triggered on 3-byte literals that are rare. Any other expression comes back
// alone.
std::vector<std::string> split_short_leading_literal(const std::string& expression);

// Bounds every confirm run (a pathological pattern must not hang a scan).
inline constexpr uint32_t kPcre2MatchLimit = 5'000'000;
inline constexpr uint32_t kPcre2DepthLimit = 100'000;
// Rules wider than this are rejected at compile time: the look-behind window is sized by them.
inline constexpr size_t kMaxRuleWidth = 64 * 1024;

}  // namespace strata
