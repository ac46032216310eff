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

// One alternative of a rule that is an assignment: `(?i:VENDOR)…(?i:KEYWORD)[\w.-]{0,m}OPERATOR`.
struct ContextHead {
  std::string vendor;   // the regex inside the leading (?i:…)
  std::string keyword;  // the regex inside the last (?i:…) before the operator
  std::string head;     // the alternative up to and including the operator
  unsigned gap = 0;     // the widest [\w.-] run allowed between keyword and operator
};

struct ContextShape {
  std::vector<ContextHead> heads;  // at least one
  // The rule's other alternatives with what follows them (`pixabay\.com/api/…[?&]key=` of
  // `(?:HEAD|pixabay…)(?P<secret>…)`), a Hyperscan expression of their own; empty when every
  // alternative is a head.
  std::string rest;
};

// A byte of an identifier as the rules' gaps spell it: [\w.-].
inline bool identifier_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// The rule's shape, when it is a keyword-context rule the two stages take exactly (keywords
// the trigger can afford, one of the operator forms it covers): the pattern is a head and what
// follows, or a group of alternatives, some of them heads, and what follows; nothing otherwise.
std::optional<ContextShape> context_shape(const Rule& rule);

// The one Hyperscan expression that reports the end of every operator any of `heads` can
// match: a superset of each head's keyword, gap and operator.
std::string context_trigger(const std::vector<ContextHead>& heads);

}  // namespace strata::match_detail
