// Keyword-context rules in two stages. Most vendor keys are bare hex or alphanumerics, so their
// rules look for the vendor's name before an assignment:
//
//   (?i:VENDOR)[\w.-]{0,n}(?i:KEYWORD)[\w.-]{0,m}OPERATOR VALUE…     e.g. STRIPE_SECRET_KEY = …
//
// Hundreds of such rules in the Hyperscan database cost more than all other rules together,
// in scan and compile time alike: each brings short case-insensitive vendor names to its
// literal matcher. Instead, one trigger expression (every rule's keyword, then the operator)
// finds the assignments, a small block-mode database of the vendor names looks only at the
// bytes before each one, and PCRE2 runs the rules whose vendor is there, around that
// assignment. Every match of such a rule contains the end of its operator, which the trigger
// reports, so nothing is lost; the rule's pattern still decides what matches.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/rules/rule.hpp"

namespace strata::match_detail {

struct ContextShape {
  std::string vendor;   // the regex inside the leading (?i:…)
  std::string keyword;  // the regex inside the second (?i:…)
  std::string head;     // the pattern up to and including the operator
  unsigned gap = 0;     // the widest [\w.-] run allowed between keyword and operator
};

// The rule's shape, when it is a keyword-context rule the two stages take exactly (keywords
// the trigger can afford, one of the operator forms it covers); nothing otherwise.
std::optional<ContextShape> context_shape(const Rule& rule);

// The one Hyperscan expression that reports the end of every operator any of `shapes` can
// match: a superset of each shape's keyword, gap and operator.
std::string context_trigger(const std::vector<ContextShape>& shapes);

}  // namespace strata::match_detail
