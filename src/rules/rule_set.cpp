#include <algorithm>
#include <charconv>
#include <string>

#include "strata/core/digest.hpp"
#include "strata/rules/rule.hpp"

namespace strata {
namespace {

// Length-prefixed so no field value can forge another field's boundary.
void put_field(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  out += ':' + std::to_string(value.size()) + ':';
  out += value;
  out += '\n';
}

// Shortest text that reads back as the same double.
std::string number_text(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

void put_rule(std::string& out, const Rule& rule) {
  put_field(out, "id", rule.id);
  put_field(out, "pattern", rule.pattern);
  put_field(out, "secret_group", rule.secret_group);
  put_field(out, "min_entropy", number_text(rule.min_entropy));
  put_field(out, "generic", rule.generic ? "true" : "false");
  put_field(out, "case_insensitive", rule.case_insensitive ? "true" : "false");
  put_field(out, "allow", std::to_string(rule.allow.size()));
  for (const auto& allow : rule.allow) put_field(out, "allow.item", allow);
  // These two only when set, so rule sets without them keep their earlier hashes.
  if (rule.checksum != ChecksumKind::kNone) {
    put_field(out, "checksum", checksum_kind_name(rule.checksum));
  }
  if (!rule.prefilter.empty()) put_field(out, "prefilter", rule.prefilter);
  for (const auto& expect : rule.expect) put_field(out, "expect.item", expect);
  put_field(out, "end", "");
}

}  // namespace

// Only fields that change what is matched and reported as matched (and the checksum, which
// changes the reported validation) take part: renaming a rule or changing its severity does
// not change the compiled database.
std::string RuleSet::hash() const {
  std::vector<const Rule*> sorted;
  sorted.reserve(rules.size());
  for (const auto& rule : rules) sorted.push_back(&rule);
  std::ranges::sort(sorted, {}, &Rule::id);
  std::string canonical = "strata-rules-v1\n";
  for (const Rule* rule : sorted) put_rule(canonical, *rule);
  return sha256_of(canonical).str();
}

const Rule* RuleSet::find(std::string_view id) const {
  auto it = std::ranges::find(rules, id, &Rule::id);
  return it == rules.end() ? nullptr : &*it;
}

}  // namespace strata
