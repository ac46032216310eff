#include "strata/match/match_engine.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "context_rules.hpp"
#include "database_cache.hpp"
#include "match_engine_impl.hpp"

namespace strata {
namespace {

using match_detail::ContextShape;
using match_detail::HsDatabasePtr;
using match_detail::Pcre2CodePtr;

std::string rule_context(const Rule& rule) {
  return (rule.source_file.empty() ? std::string() : rule.source_file + ": ") + "rule " + rule.id;
}

std::string pcre2_error_text(int code) {
  PCRE2_UCHAR buffer[256];
  int n = pcre2_get_error_message(code, buffer, sizeof buffer);
  return n < 0 ? "error " + std::to_string(code) : std::string(reinterpret_cast<char*>(buffer));
}

Result<Pcre2CodePtr> compile_pcre2(const std::string& pattern, uint32_t options) {
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  options |= PCRE2_NEVER_UTF | PCRE2_NEVER_UCP;
  Pcre2CodePtr code(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                  options, &error, &error_offset, nullptr));
  if (!code) {
    return fail("pcre2: " + pcre2_error_text(error) + " at offset " + std::to_string(error_offset));
  }
  return code;
}

unsigned hyperscan_flags(const Rule& rule) {
  // MULTILINE so that ^ and $ mean line boundaries in both engines; no DOTALL: "." stays
  // within a line, as in PCRE2's default.
  unsigned flags = HS_FLAG_MULTILINE;
  if (rule.case_insensitive) flags |= HS_FLAG_CASELESS;
  return flags;
}

uint32_t pcre2_options(const Rule& rule, bool around) {
  uint32_t options = PCRE2_MULTILINE | (around ? 0 : PCRE2_ENDANCHORED);
  if (rule.case_insensitive) options |= PCRE2_CASELESS;
  return options;
}

Result<size_t> hyperscan_width(const std::string& expression, unsigned flags) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_expression_info(expression.c_str(), flags, &info, &error) != HS_SUCCESS) {
    std::string message = error ? error->message : "unknown error";
    hs_free_compile_error(error);
    return fail("hyperscan: " + message);
  }
  unsigned max_width = info->max_width;
  std::free(info);
  if (max_width == UINT_MAX) {
    return fail("pattern has no maximum match width (use bounded repeats such as {0,64})");
  }
  if (max_width > kMaxRuleWidth) {
    return fail("pattern can match " + std::to_string(max_width) + " bytes, more than the " +
                std::to_string(kMaxRuleWidth) + " allowed");
  }
  return static_cast<size_t>(max_width);
}

// `shape`: the rule's keyword-context shape, if it has one: its heads are searched for around
// triggers, its other alternatives (if any) confirmed at Hyperscan ends.
Result<CompiledRule> compile_rule(const Rule& rule, size_t max_width,
                                  const std::optional<ContextShape>& shape) {
  CompiledRule out;
  out.max_width = max_width;
  if (!shape || !shape->rest.empty()) {
    auto confirm = compile_pcre2(rule.pattern, pcre2_options(rule, false));
    if (!confirm) return fail(confirm.error().with_context("pattern"));
    out.confirm = std::move(*confirm);
  }
  if (shape) {
    auto around = compile_pcre2(rule.pattern, pcre2_options(rule, true));
    if (!around) return fail(around.error().with_context("pattern"));
    out.around = std::move(*around);
  }
  const pcre2_code* code = out.confirm ? out.confirm.get() : out.around.get();
  int group = pcre2_substring_number_from_name(
      code, reinterpret_cast<PCRE2_SPTR>(rule.secret_group.c_str()));
  if (group > 0) {
    out.secret_group = static_cast<uint32_t>(group);
  } else if (group != PCRE2_ERROR_NOSUBSTRING) {
    return fail("secret group '" + rule.secret_group + "': " + pcre2_error_text(group));
  }

  for (size_t i = 0; i < rule.allow.size(); ++i) {
    auto allow = compile_pcre2(rule.allow[i], 0);
    if (!allow) return fail(allow.error().with_context("allow #" + std::to_string(i + 1)));
    out.allow.push_back(std::move(*allow));
  }
  return out;
}

// What a rule set's Hyperscan databases are compiled from. A rule may give several expressions
// (split_short_leading_literal); they all report the rule's index. A keyword-context rule's
// heads give none: the trigger (ContextStage::kTriggerId) stands for all of them, and their
// vendors make the second, block-mode database; its other alternatives, if any, are its
// expression.
struct DatabaseInputs {
  std::vector<const char*> patterns;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  std::vector<size_t> pattern_rules;  // the rules with a pattern, in order
  std::vector<std::string> exact;     // what the widths are measured on, one per such rule
  std::vector<size_t> head_rules;     // the rule of each keyword-context head, in order
  std::vector<std::string> vendors;   // "(?i:VENDOR)" of each head
  std::vector<std::string> heads;     // each head, as its width is measured
  std::string trigger;
  std::string key_material;  // everything above, as the caches' key
};

// Each rule's keyword-context shape, where it has one.
using Shapes = std::vector<std::optional<ContextShape>>;

Shapes context_shapes(const RuleSet& rules, const MatchOptions& options) {
  Shapes shapes;
  for (const Rule& rule : rules.rules) {
    shapes.push_back(options.context_stage ? match_detail::context_shape(rule) : std::nullopt);
  }
  return shapes;
}

void add_context_inputs(const Shapes& shapes, DatabaseInputs& in) {
  std::vector<match_detail::ContextHead> taken;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i]) continue;
    for (const match_detail::ContextHead& head : shapes[i]->heads) {
      in.head_rules.push_back(i);
      // Hyperscan has no named groups: the vendor is rewritten as the rule's expressions are.
      in.vendors.push_back(
          to_hyperscan_expression("(?i:" + head.vendor + ")", RepeatForm::kRelaxWide));
      in.heads.push_back(to_hyperscan_expression(head.head, RepeatForm::kExact));
      in.key_material += "context " + std::to_string(i) + " " + in.vendors.back() + " head " +
                         in.heads.back() + "\n";
      taken.push_back(head);
    }
  }
  if (taken.empty()) return;
  in.trigger = match_detail::context_trigger(taken);
  in.patterns.push_back(in.trigger.c_str());
  in.flags.push_back(HS_FLAG_MULTILINE);
  in.ids.push_back(ContextStage::kTriggerId);
  in.key_material += "trigger " + in.trigger + "\n";
}

DatabaseInputs database_inputs(const RuleSet& rules, const Shapes& shapes,
                               const std::vector<std::vector<std::string>>& expressions) {
  DatabaseInputs in;
  // The widths are strata's own computation: its version of that computation and its width
  // limit are part of the key, so an upgrade that changes either never reads stale widths; so
  // is the version of the keyword-context stage (its trigger id and vendor flags are not in the
  // expressions).
  in.key_material = "widths v1, context stage v2, limit " + std::to_string(kMaxRuleWidth) + "\n";
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    if (rules.rules[i].builtin) continue;  // no pattern: the scan applies it
    unsigned rule_flags = hyperscan_flags(rules.rules[i]);
    in.pattern_rules.push_back(i);
    in.exact.push_back(to_hyperscan_expression(rules.rules[i].pattern, RepeatForm::kExact));
    for (const std::string& expression : expressions[i]) {
      in.patterns.push_back(expression.c_str());
      in.flags.push_back(rule_flags);
      in.ids.push_back(static_cast<unsigned>(i));
      in.key_material += std::to_string(rule_flags) + " " + expression + "\n";
    }
    // The exact expression too: the widths come from it, and relaxing wide repeats can give
    // two patterns one expression.
    in.key_material += "exact " + in.exact.back() + "\n";
  }
  add_context_inputs(shapes, in);
  return in;
}

// Each expression's maximum match width, in order: `exact[n]` is compiled with
// `rules.rules[which[n]]`'s flags, and an error names that rule.
Result<std::vector<uint32_t>> measure_widths(const RuleSet& rules, const std::vector<size_t>& which,
                                             const std::vector<std::string>& exact,
                                             const std::string& what) {
  std::vector<uint32_t> widths;
  for (size_t n = 0; n < which.size(); ++n) {
    const Rule& rule = rules.rules[which[n]];
    auto width = hyperscan_width(exact[n], hyperscan_flags(rule));
    if (!width) return fail(width.error().with_context(rule_context(rule) + ": " + what));
    widths.push_back(static_cast<uint32_t>(*width));
  }
  return widths;
}

// hs_compile_multi, its error naming the rule an expression came from.
Result<HsDatabasePtr> compile_multi(const RuleSet& rules, const DatabaseInputs& in,
                                    const std::vector<const char*>& patterns,
                                    const std::vector<unsigned>& flags,
                                    const std::vector<unsigned>& ids, unsigned mode,
                                    match_detail::DatabaseTarget target) {
  hs_platform_info_t platform = match_detail::target_platform(target);
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(patterns.size()), mode, &platform, &db,
                       &error) == HS_SUCCESS) {
    return HsDatabasePtr(db);
  }
  std::string message = error ? error->message : "unknown error";
  int which = error ? error->expression : -1;
  hs_free_compile_error(error);
  if (which < 0 || static_cast<size_t>(which) >= ids.size()) {
    return fail("hyperscan: compiling the rule database: " + message);
  }
  if (ids[which] == ContextStage::kTriggerId) {
    return fail("hyperscan: the keyword-context trigger " + in.trigger + ": " + message);
  }
  const Rule& rule = rules.rules[ids[which]];
  std::string field = mode == HS_MODE_BLOCK    ? "pattern's vendor group"
                      : rule.prefilter.empty() ? "pattern"
                                               : "prefilter";
  return fail(rule_context(rule) + ": " + field + ": hyperscan: " + message);
}

// Compiles the databases for `target` and measures every pattern rule's maximum match width
// (in rule order) and every keyword-context rule's head width.
Result<match_detail::CachedDatabase> compile_uncached(const RuleSet& rules,
                                                      const DatabaseInputs& in,
                                                      match_detail::DatabaseTarget target) {
  match_detail::CachedDatabase out;
  // Widths are measured on the exact pattern; the database gets the relaxed one.
  auto widths = measure_widths(rules, in.pattern_rules, in.exact, "pattern");
  if (!widths) return fail(widths.error());
  out.widths = std::move(*widths);
  auto heads = measure_widths(rules, in.head_rules, in.heads, "pattern up to its operator");
  if (!heads) return fail(heads.error());
  out.head_widths = std::move(*heads);
  auto db = compile_multi(rules, in, in.patterns, in.flags, in.ids, HS_MODE_STREAM, target);
  if (!db) return fail(db.error());
  out.database = std::move(*db);
  if (in.head_rules.empty()) return out;
  std::vector<const char*> vendors;
  std::vector<unsigned> ids;
  for (size_t n = 0; n < in.vendors.size(); ++n) {
    vendors.push_back(in.vendors[n].c_str());
    ids.push_back(static_cast<unsigned>(in.head_rules[n]));
  }
  // Every match: the scanner keeps those that end in the identifier before the operator. A
  // vendor group that can match nothing (`(?i:acme|)`) is valid in its rule; alone it then
  // matches everywhere, which is slow but right.
  std::vector<unsigned> flags(vendors.size(), HS_FLAG_MULTILINE | HS_FLAG_ALLOWEMPTY);
  auto vendor_db = compile_multi(rules, in, vendors, flags, ids, HS_MODE_BLOCK, target);
  if (!vendor_db) return fail(vendor_db.error());
  out.vendors = std::move(*vendor_db);
  return out;
}

// The Hyperscan databases and the widths, from the cache when it holds this rule set:
// hs_expression_info for every rule costs as much as loading the database, so a warm start
// skips both.
Result<match_detail::CachedDatabase> compile_database(
    const RuleSet& rules, const Shapes& shapes,
    const std::vector<std::vector<std::string>>& expressions) {
  DatabaseInputs in = database_inputs(rules, shapes, expressions);
  match_detail::DatabaseCache cache(in.key_material);
  if (auto cached = cache.load(); cached && cached->widths.size() == in.pattern_rules.size() &&
                                  cached->head_widths.size() == in.head_rules.size() &&
                                  (cached->vendors != nullptr) == !in.head_rules.empty()) {
    return std::move(*cached);
  }
  auto compiled = compile_uncached(rules, in, match_detail::DatabaseTarget::kHost);
  if (compiled) cache.store(*compiled);
  return compiled;
}

// What Hyperscan searches for each rule (nothing for a built-in rule; for a keyword-context
// rule, its alternatives that are not heads).
std::vector<std::vector<std::string>> searched_expressions(const RuleSet& rules,
                                                           const Shapes& shapes) {
  std::vector<std::vector<std::string>> expressions;
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& rule = rules.rules[i];
    if (rule.builtin || (shapes[i] && shapes[i]->rest.empty())) {
      expressions.emplace_back();
      continue;
    }
    const std::string& searched = shapes[i]                ? shapes[i]->rest
                                  : rule.prefilter.empty() ? rule.pattern
                                                           : rule.prefilter;
    std::string expression = to_hyperscan_expression(searched, RepeatForm::kRelaxWide);
    // A case-insensitive rule is left whole: its pieces would overlap ("[a-fA-F]").
    expressions.push_back(rule.case_insensitive ? std::vector<std::string>{std::move(expression)}
                                                : split_short_leading_literal(expression));
  }
  return expressions;
}

// The second stage's tables, from the compiled databases.
ContextStage context_stage(const RuleSet& rules, const Shapes& shapes,
                           match_detail::CachedDatabase& db,
                           const std::vector<CompiledRule>& compiled) {
  ContextStage stage;
  stage.vendors = std::move(db.vendors);
  stage.head_widths.assign(shapes.size(), 0);
  size_t next_head = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (!shapes[i]) continue;
    stage.rules.push_back(static_cast<uint32_t>(i));
    for (size_t h = 0; h < shapes[i]->heads.size(); ++h) {
      stage.head_widths[i] = std::max(stage.head_widths[i], db.head_widths[next_head++]);
    }
    stage.back = std::max<size_t>(stage.back, stage.head_widths[i]);
    stage.reach = std::max(stage.reach, compiled[i].max_width);
  }
  return stage;
}

}  // namespace

MatchEngine::MatchEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MatchEngine::~MatchEngine() = default;

const RuleSet& MatchEngine::rules() const { return impl_->rules; }
size_t MatchEngine::max_window() const { return impl_->max_window; }

Result<std::shared_ptr<const MatchEngine>> MatchEngine::compile(RuleSet rules,
                                                                MatchOptions options) {
  auto impl = std::make_unique<Impl>();
  Shapes shapes = context_shapes(rules, options);
  std::vector<std::vector<std::string>> expressions = searched_expressions(rules, shapes);
  bool any_pattern = std::ranges::any_of(rules.rules, [](const Rule& r) { return !r.builtin; });
  match_detail::CachedDatabase db;
  if (any_pattern) {
    auto compiled = compile_database(rules, shapes, expressions);
    if (!compiled) return fail(compiled.error());
    db = std::move(*compiled);
  }
  size_t next_width = 0;
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& rule = rules.rules[i];
    if (rule.builtin) {  // kept for its id, name and severity; never matched here
      impl->compiled.emplace_back();
      continue;
    }
    auto compiled = compile_rule(rule, db.widths[next_width++], shapes[i]);
    if (!compiled) return fail(compiled.error().with_context(rule_context(rule)));
    uint32_t captures = 0;
    pcre2_pattern_info(compiled->confirm ? compiled->confirm.get() : compiled->around.get(),
                       PCRE2_INFO_CAPTURECOUNT, &captures);
    impl->max_capture_count = std::max(impl->max_capture_count, captures);
    impl->max_window = std::max(impl->max_window, compiled->max_width);
    impl->compiled.push_back(std::move(*compiled));
  }
  impl->context = context_stage(rules, shapes, db, impl->compiled);
  // A trigger waits until its widest match could have ended, and must still see its head.
  if (impl->context.vendors) {
    impl->max_window = std::max(impl->max_window, impl->context.back + impl->context.reach);
  }
  impl->database = std::move(db.database);
  impl->rules = std::move(rules);
  return std::shared_ptr<const MatchEngine>(new MatchEngine(std::move(impl)));
}

Result<std::string> MatchEngine::write_shipped_database(const RuleSet& rules,
                                                        const std::string& dir) {
  Shapes shapes = context_shapes(rules, MatchOptions{});
  std::vector<std::vector<std::string>> expressions = searched_expressions(rules, shapes);
  DatabaseInputs in = database_inputs(rules, shapes, expressions);
  auto compiled = compile_uncached(rules, in, match_detail::DatabaseTarget::kBaseline);
  if (!compiled) return fail(compiled.error());
  match_detail::DatabaseCache::store_baseline(dir, in.key_material, *compiled);
  std::string path = match_detail::DatabaseCache::baseline_path(dir, in.key_material);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail(path + ": could not be written");
  return path;
}

void CompiledRule::ensure_jit() const {
  // JIT failure is not an error: PCRE2 falls back to its interpreter.
  std::call_once(*jit, [this] {
    if (confirm) pcre2_jit_compile(confirm.get(), PCRE2_JIT_COMPLETE);
    if (around) pcre2_jit_compile(around.get(), PCRE2_JIT_COMPLETE);
    for (const auto& a : allow) pcre2_jit_compile(a.get(), PCRE2_JIT_COMPLETE);
  });
}

}  // namespace strata
