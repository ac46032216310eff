// MatchEngine: every rule compiled once into one Hyperscan stream-mode database plus one PCRE2
// confirm regex per rule. FileScanner: a per-worker scanner that streams one file (or string)
// at a time through it.
//
//   auto engine = MatchEngine::compile(rules);           // Result<std::shared_ptr<…>>
//   FileScanner scanner(**engine);                       // one per thread
//   scanner.begin();
//   scanner.feed(chunk1); scanner.feed(chunk2);          // any chunking, same results
//   std::vector<SecretMatch> found = scanner.finish();
//   scanner.problems();                                  // why the file was not fully scanned
//
// Hyperscan reports only end offsets; each candidate is confirmed by PCRE2 anchored at that
// end (PCRE2_ENDANCHORED) over a look-behind window as wide as the rule's maximum match width,
// which the scanner keeps across chunks, so a match straddling chunks is found exactly once.
// Rules must have bounded width; compile() rejects the others.
//
// Thread safety: a MatchEngine is immutable and shared; a FileScanner belongs to one thread.
// Errors: compile() returns rules that cannot be compiled; a file the scanner cannot scan
// completely (out of memory, a regex limit) is no exception but listed by problems().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

struct SecretMatch {
  size_t rule_index = 0;     // into MatchEngine::rules().rules
  std::string secret;        // the secret capture group's bytes
  uint64_t match_start = 0;  // offsets in the file of the whole match
  uint64_t match_end = 0;
  uint64_t secret_start = 0;  // offsets of the secret
  uint64_t secret_end = 0;
  uint64_t line = 1;    // 1-based line of secret_start
  uint64_t column = 1;  // 1-based byte column of secret_start
  double entropy = 0.0;
  // The rule's offline checksum (Rule::checksum) checked on the secret after confirm; an
  // invalid checksum does not drop the match (see secret_validator.hpp).
  ValidationState checksum = ValidationState::kNotApplicable;
  // Set when the secret matches one of the rule's `allow` patterns (index into Rule::allow):
  // the match is kept so the report can show what was suppressed, but it is no finding.
  std::optional<size_t> allowed_by;
  // A provider rule's match whose secret is below the rule's min_entropy: filler in the
  // token's shape (xoxb-000…, aaaa…). Kept, suppressed, like an allowed match; a generic
  // rule's such match is dropped (keyword assignments of low-entropy words are everywhere).
  bool below_entropy_floor = false;

  bool suppressed() const { return allowed_by.has_value() || below_entropy_floor; }
};

struct MatchOptions {
  // Keyword-context rules (`(?i:VENDOR)…(?i:KEYWORD)… = VALUE`) take the two-stage path of
  // src/match/context_rules.hpp; off, every rule is its own Hyperscan expression (the same
  // matches, slower: for comparisons).
  bool context_stage = true;
};

class MatchEngine {
 public:
  ~MatchEngine();
  static Result<std::shared_ptr<const MatchEngine>> compile(RuleSet rules,
                                                            MatchOptions options = {});
  // Compiles `rules`' database for the baseline x86-64 target and writes it into `dir`, where
  // compile() finds it when `dir` is the shipped directory (core/cache_dir.hpp) and the user's
  // cache misses. Returns the file written.
  static Result<std::string> write_shipped_database(const RuleSet& rules, const std::string& dir);
  const RuleSet& rules() const;
  // Largest look-behind any rule needs, in bytes.
  size_t max_window() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit MatchEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class FileScanner {
 public:
  explicit FileScanner(const MatchEngine& engine);
  ~FileScanner();
  FileScanner(const FileScanner&) = delete;
  FileScanner& operator=(const FileScanner&) = delete;

  // `size`, when known, is the file's length: the chunk that completes it is finished while
  // it is still in memory, so the look-behind tail need not be copied (most files arrive in
  // one chunk). Bytes past `size` are still scanned, without look-behind.
  void begin(uint64_t size = kUnknownSize);
  static constexpr uint64_t kUnknownSize = UINT64_MAX;
  // Feeds the next bytes of the current file.
  void feed(std::string_view chunk);
  // Ends the file; returns its confirmed matches, sorted by offset, overlaps resolved (the
  // longest match of a rule wins; a provider rule's reported (not allowed) match wins over a
  // generic one on the same bytes).
  std::vector<SecretMatch> finish();
  // Matches past ScanLimits::max_matches_per_file that were dropped in the last file.
  uint64_t dropped_matches() const;
  // What kept the last file (after finish() or scan()) from being scanned completely, one
  // reason per entry: Hyperscan could not allocate its scratch or stream (the file was not
  // scanned; the next file tries again), a stream scan failed (the rest of the file was not
  // scanned), or PCRE2 hit its match or depth limit (a rule's candidates could not be
  // confirmed: possible secrets not reported). Empty when the file was scanned completely;
  // any entry makes the scan holding the file incomplete.
  const std::vector<std::string>& problems() const;

  // begin + feed(whole) + finish.
  std::vector<SecretMatch> scan(std::string_view whole);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace strata
