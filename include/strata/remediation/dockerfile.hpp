// A small Dockerfile parser: parser directives, comments, line continuations, heredocs
// (their bodies skipped), stages, and each instruction with its 1-based line. It is what the
// remediation needs (which instruction made a history step, what a COPY copied), not a builder.
//
//   auto df = read_dockerfile("Dockerfile");   // Result<Dockerfile>
//   for (const DockerfileInstruction& in : df->stages.back().instructions) ...
//
// Thread safety: pure functions, plain values. Errors: a file that cannot be read, is larger
// than kMaxDockerfileBytes or holds no FROM; junk lines are kept as instructions with an
// unknown keyword, never a crash. Bounded: at most kMaxDockerfileInstructions instructions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

inline constexpr size_t kMaxDockerfileBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxDockerfileInstructions = 20000;

struct DockerfileInstruction {
  int line = 0;         // 1-based line of the keyword
  int end_line = 0;     // last line of the instruction (continuations and heredoc bodies included)
  std::string keyword;  // upper case: "RUN", "COPY", …
  std::vector<std::string> flags;  // leading "--name=value" options: "--from=builder"
  std::string args;                // the rest, continuations joined, whitespace collapsed
  std::string text;                // the instruction as one line: keyword, flags and args
  bool heredoc = false;            // has a `<<EOF` heredoc (its body is not in args)

  // The value of flag `--name=…` ("" when absent). `name` without the dashes.
  std::string flag(std::string_view name) const;
  bool exec_form() const { return !args.empty() && args.front() == '['; }
};

struct DockerfileStage {
  int index = 0;
  std::string base;  // the FROM image or stage name
  std::string name;  // `AS name`, lower case; "" when unnamed
  int from_line = 0;
  std::vector<DockerfileInstruction> instructions;  // after FROM, in order
};

struct Dockerfile {
  std::vector<std::string> directives;             // "syntax=docker/dockerfile:1"
  std::vector<DockerfileInstruction> global_args;  // ARGs before the first FROM
  std::vector<DockerfileStage> stages;

  // The stage named `name` (case-insensitive) or with that index ("0"); nullptr if none.
  const DockerfileStage* find_stage(std::string_view name) const;
};

// Parses Dockerfile text. Fails only when there is no FROM or the text is too large.
Result<Dockerfile> parse_dockerfile(std::string_view text);

// Reads and parses a file; errors name the path.
Result<Dockerfile> read_dockerfile(const std::string& path);

}  // namespace strata
