// Shared by the remediation step builders: the image and Dockerfile view of one location,
// paths, ids, and how history instructions are shown without their values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history_instruction.hpp"
#include "strata/remediation/remediation.hpp"
#include "strata/remediation/step_mapping.hpp"

namespace strata {

struct ImageView {
  const Image* image = nullptr;
  StepMapping mapping;
  std::vector<std::string> workdirs;  // workdirs[i]: the WORKDIR step i ran in (workdirs_of)
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
  // The working directory the location's step ran in ("/" when unknown).
  std::string workdir_of(const Location& l) const;
};

// The working directory each step ran in: the last WORKDIR recorded before it ("/" when
// none); one entry per history step, plus one for after the last.
std::vector<std::string> workdirs_of(const Image& image);
// `dir` joined with a relative path; absolute paths stay; "." and trailing '/' handled.
std::string resolve_path(const std::string& dir, std::string_view path);
std::string base_name(std::string_view path);
// "NPM_TOKEN" -> "npm_token", ".npmrc" -> "npmrc": a build secret id.
std::string secret_id(std::string_view name);

// created_by as recorded, with every build arg's value replaced by "…" and the classic
// builder's "/bin/sh -c #(nop) " prefix dropped.
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
