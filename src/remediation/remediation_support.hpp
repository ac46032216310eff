// Shared by the remediation step builders: the image and Dockerfile view of one location,
// paths, ids, and how history instructions are shown without their values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history_instruction.hpp"
#include "strata/core/secret_scrubber.hpp"
#include "strata/remediation/remediation.hpp"
#include "strata/remediation/step_mapping.hpp"

namespace strata {

// Where the working directory changes: from history step `step` on, it is `dir`.
struct WorkdirChange {
  int step = 0;
  std::string dir;
};

struct ImageView {
  const Image* image = nullptr;
  StepMapping mapping;
  std::vector<HistoryStep> instructions;  // one per history entry, classified once
  std::vector<WorkdirChange> workdirs;    // in step order (workdirs_of)
};

// Everything a step builder may look at for one scan.
struct RemediationScope {
  const RemediationContext* ctx = nullptr;
  std::vector<ImageView> views;
  std::vector<const DockerfileInstruction*> chain;  // the final stage's chain, when a Dockerfile

  const ImageView* view_for(const Location& l) const;
  // The Dockerfile instruction that made the location's step (mapped images, single steps).
  const DockerfileInstruction* instruction_for(const Location& l) const;
  // The `ARG name` instruction of the final stage's chain.
  const DockerfileInstruction* arg_instruction(std::string_view name) const;
  // The last ENV (or LABEL) of the chain that sets `name`.
  const DockerfileInstruction* last_setting(std::string_view keyword, std::string_view name) const;
  // A step of the location's image: its history entry (nullptr when out of range).
  const HistoryEntry* history_entry(const Location& l, int step) const;
  // The location's step as classified once per image (nullptr when out of range): step
  // builders never re-parse a command per finding.
  // Without the image, `fallback` holds the location's own created_by, classified.
  const HistoryStep& instruction_at(const Location& l, HistoryStep& fallback) const;
  // The working directory the location's step ran in ("/" when unknown).
  std::string workdir_of(const Location& l) const;

  // Every finding's secret, for cutting inputs where no secret crosses the cut.
  const SecretScrubber* scrubber = nullptr;
  // `text` cut to what a field can show (kMaxFieldBytes plus the longest secret), never inside
  // a secret: builders work on this window, the scrubber replaces and clips afterwards.
  std::string_view window(std::string_view text) const;
  // `text` cut for a sentence: about `n` bytes and "…", but never inside a secret (the cut
  // moves past one), so the scrubber still sees it whole and replaces it.
  std::string shortened(std::string_view text, size_t n) const;
};

inline constexpr size_t kMaxFieldBytes = 4096;
inline constexpr size_t kMaxPathBytes = 4096;

// Where the working directory changes: a WORKDIR step that changes it starts an entry ("/" from
// step 0). Paths are capped at kMaxPathBytes. workdir_at finds the one a step ran in.
std::vector<WorkdirChange> workdirs_of(const std::vector<HistoryStep>& history);
std::string workdir_at(const std::vector<WorkdirChange>& changes, int step);
// Config text of the Env array ("Env[3]", "config.Env[0]").
bool is_env_location(std::string_view where);
// `dir` joined with a relative path; absolute paths stay; "." and trailing '/' handled.
std::string resolve_path(const std::string& dir, std::string_view path);
std::string base_name(std::string_view path);
// "NPM_TOKEN" -> "npm_token", ".npmrc" -> "npmrc": a build secret id.
std::string secret_id(std::string_view name);

// created_by as recorded, with every build arg's value replaced by "…", BuildKit's marker and
// the classic builder's "<shell> #(nop) " prefix dropped, and a classic COPY's digest cut to 12.
std::string recorded_instruction(std::string_view created_by);

// " (Dockerfile line N)" or "".
std::string line_note(const DockerfileInstruction* in);
// ", Dockerfile line N" or "": inside parentheses.
std::string line_suffix(const DockerfileInstruction* in);
// "history step N" (and "-M" for a range).
std::string step_phrase(const Location& l);

// A file by its name that holds credentials (.env, .npmrc, SSH keys, *.pem, …).
bool looks_like_secret_file(std::string_view path);

}  // namespace strata
