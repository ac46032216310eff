// Helpers for the match tests: fake tokens built at run time (no literal token appears in
// source), quick rule construction, and scanning at a given chunk size.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata::test {

// Deterministic random base62 text.
inline std::string random_alnum(size_t n, uint32_t seed) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, 61);
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(kAlphabet[pick(rng)]);
  return out;
}

inline std::string fake_github_token(uint32_t seed = 1) {
  return std::string("gh") + "p_" + random_alnum(36, seed);
}
inline std::string fake_npm_token(uint32_t seed = 2) {
  return std::string("np") + "m_" + random_alnum(36, seed);
}
inline std::string fake_pem_key(uint32_t seed = 3) {
  std::string dashes(5, '-');
  std::string key = dashes + "BEGIN RSA " + "PRIVATE KEY" + dashes + "\n";
  for (uint32_t i = 0; i < 5; ++i) key += random_alnum(64, seed * 100 + i) + "\n";
  key += dashes + "END RSA " + "PRIVATE KEY" + dashes;
  return key;
}

inline Rule make_rule(std::string id, std::string pattern) {
  Rule rule;
  rule.id = std::move(id);
  rule.name = rule.id;
  rule.pattern = std::move(pattern);
  return rule;
}

inline std::shared_ptr<const MatchEngine> compile_rules(std::vector<Rule> rules) {
  auto engine = MatchEngine::compile(RuleSet{std::move(rules)});
  EXPECT_TRUE(engine.has_value()) << (engine ? "" : engine.error().message);
  return engine ? *engine : nullptr;
}

inline std::shared_ptr<const MatchEngine> shipped_engine() {
  auto rules = load_rule_files({STRATA_SOURCE_DIR "/patterns"});
  EXPECT_TRUE(rules.has_value()) << (rules ? "" : rules.error().message);
  if (!rules) return nullptr;
  auto engine = MatchEngine::compile(std::move(*rules));
  EXPECT_TRUE(engine.has_value()) << (engine ? "" : engine.error().message);
  return engine ? *engine : nullptr;
}

// chunk == 0 means the whole text at once. tell_size: begin() is told the text's length.
inline std::vector<SecretMatch> scan_chunked(FileScanner& scanner, std::string_view text,
                                             size_t chunk, bool tell_size = false) {
  scanner.begin(tell_size ? text.size() : FileScanner::kUnknownSize);
  if (chunk == 0) chunk = std::max<size_t>(text.size(), 1);
  for (size_t at = 0; at < text.size(); at += chunk) scanner.feed(text.substr(at, chunk));
  return scanner.finish();
}

using MatchKey =
    std::tuple<size_t, std::string, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t>;

inline std::vector<MatchKey> keys(const std::vector<SecretMatch>& matches) {
  std::vector<MatchKey> out;
  for (const auto& m : matches) {
    out.emplace_back(m.rule_index, m.secret, m.match_start, m.match_end, m.secret_start,
                     m.secret_end, m.line, m.column);
  }
  return out;
}

inline size_t rule_index(const MatchEngine& engine, std::string_view id) {
  const auto& rules = engine.rules().rules;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id == id) return i;
  }
  ADD_FAILURE() << "no rule " << id;
  return rules.size();
}

}  // namespace strata::test
