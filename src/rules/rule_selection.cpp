// Rule selection: --only-rules, --disable-rule and --severity (and their config-file forms)
// applied to a loaded RuleSet before it is compiled.
#include <algorithm>
#include <string>

#include "strata/rules/rule.hpp"

namespace strata {
namespace {

// "generic.*" matches every id starting with "generic."; anything else matches itself.
bool glob_matches(std::string_view glob, std::string_view id) {
  if (glob.ends_with('*')) return id.starts_with(glob.substr(0, glob.size() - 1));
  return id == glob;
}

Status check_glob(std::string_view glob, std::string_view option, const RuleSet& rules) {
  std::string quoted = "\"" + std::string(glob.substr(0, 128)) + "\"";
  if (glob.empty()) return fail(std::string(option) + ": empty rule id");
  if (glob.find('*') != glob.size() - 1 && glob.find('*') != std::string_view::npos) {
    return fail(std::string(option) + ": " + quoted +
                ": '*' is only allowed at the end (a prefix glob like generic.*)");
  }
  bool any = std::ranges::any_of(rules.rules,
                                 [&](const Rule& rule) { return glob_matches(glob, rule.id); });
  if (!any) {
    return fail(std::string(option) + ": " + quoted + " matches no rule (see strata rules list)");
  }
  return {};
}

bool any_matches(const std::vector<std::string>& globs, std::string_view id) {
  return std::ranges::any_of(globs, [&](const std::string& g) { return glob_matches(g, id); });
}

}  // namespace

Result<RuleSet> select_rules(RuleSet rules, const RuleSelection& selection) {
  // Every id is checked against the whole loaded set, so an id that only/disable already
  // removed is still a known id, not a typo.
  for (const auto& glob : selection.only) {
    if (auto st = check_glob(glob, "only-rules", rules); !st) return fail(st.error());
  }
  for (const auto& glob : selection.disable) {
    if (auto st = check_glob(glob, "disable-rule", rules); !st) return fail(st.error());
  }
  for (const auto& [glob, severity] : selection.severity) {
    if (auto st = check_glob(glob, "severity", rules); !st) return fail(st.error());
  }
  std::erase_if(rules.rules, [&](const Rule& rule) {
    bool kept = selection.only.empty() || any_matches(selection.only, rule.id);
    return !kept || any_matches(selection.disable, rule.id);
  });
  for (Rule& rule : rules.rules) {
    for (const auto& [glob, severity] : selection.severity) {
      if (glob_matches(glob, rule.id)) rule.severity = severity;
    }
  }
  return rules;
}

Result<std::pair<std::string, Severity>> parse_severity_override(std::string_view text) {
  size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0) {
    return fail("severity override \"" + std::string(text.substr(0, 128)) +
                "\": expected RULE_ID=SEVERITY (e.g. generic.password=low)");
  }
  auto severity = parse_severity(text.substr(eq + 1));
  if (!severity) {
    return fail(severity.error().with_context(
        "severity override for " + std::string(text.substr(0, std::min<size_t>(eq, 128)))));
  }
  return std::make_pair(std::string(text.substr(0, eq)), *severity);
}

}  // namespace strata
