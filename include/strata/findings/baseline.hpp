// Baselines: a previous strata report (JSON, or SARIF written by strata) whose findings are
// already known. Findings of the new scan with a fingerprint from the baseline are kept but
// suppressed (kind "baseline"), so only new findings count toward the exit code.
//
//   auto baseline = Baseline::load("previous.json");   // Result<Baseline>
//   if (!baseline) ...;                                 // names the file and what is wrong
//   apply_baseline(*baseline, report.findings);
//
// Findings the previous report shows as suppressed by an ignore file are not read: the ignore
// entry accepted them, not the baseline, so they count again once it expires.
//
// A known finding seen at a new place (a new location fingerprint) is still not new: the
// secret is the same, and rotating it fixes every place. The suppression reason says how many
// places are new.
//
// Thread safety: plain values; apply_baseline mutates only the findings it is given.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/finding.hpp"

namespace strata {

struct Baseline {
  std::string path;                 // the file it came from, for messages
  std::set<std::string> findings;   // finding fingerprints
  std::set<std::string> locations;  // location fingerprints (JSON reports of schema 1+)

  // Reads a strata JSON report or a strata SARIF log (at most 256 MiB), streamed: only the
  // fingerprints and suppression kinds are kept in memory.
  [[nodiscard]] static Result<Baseline> load(const std::string& path);
  // `path` only names the source in errors.
  [[nodiscard]] static Result<Baseline> parse(std::string_view text, const std::string& path);
};

// Suppresses (kind "baseline") every finding whose fingerprint is in the baseline and that is
// not suppressed already. Returns how many it suppressed.
size_t apply_baseline(const Baseline& baseline, std::vector<Finding>& findings);

}  // namespace strata
