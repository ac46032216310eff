// The Dockerfile parser shared by `strata lint` and the remediation: parser directives
// (`# syntax=`, `# escape=`), comments, line continuations, heredocs (`<<EOF`, `<<-EOF`, quoted
// words; bodies kept), JSON and shell forms, leading flags (--mount, --from, --chown, …), stages
// (name and index) and each instruction with its 1-based lines. Variable substitution and ARG
// scoping live beside it (substitution.hpp, arg_scope.hpp).
//
//   auto df = read_dockerfile("Dockerfile");   // Result<Dockerfile>
//   for (const DockerfileInstruction& in : df->stages.back().instructions) ...
//
// Thread safety: pure functions, plain values. Errors: a file that cannot be read, is larger
// than kMaxDockerfileBytes or holds no FROM; junk lines are kept as instructions with an
// unknown keyword, never a crash. Bounded: at most kMaxDockerfileInstructions instructions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

inline constexpr size_t kMaxDockerfileBytes = 4 * 1024 * 1024;
inline constexpr size_t kMaxDockerfileInstructions = 20000;

// A heredoc of RUN, COPY or ADD: `<<EOF` … `EOF`.
struct DockerfileHeredoc {
  std::string word;         // the delimiter, quotes removed
  std::string body;         // the lines between, each ending in '\n' (tabs dropped for `<<-`)
  bool strip_tabs = false;  // `<<-EOF`
  bool expands = true;      // false when the word was quoted: no variable substitution
  int first_line = 0;       // 1-based line of the body's first line
};

struct DockerfileInstruction {
  int line = 0;         // 1-based line of the keyword
  int end_line = 0;     // last line of the instruction (continuations and heredoc bodies included)
  std::string keyword;  // upper case: "RUN", "COPY", …
  std::vector<std::string> flags;           // leading "--name=value" options: "--from=builder"
  std::string args;                         // the rest, continuations joined, whitespace collapsed
  std::string text;                         // the instruction as one line: keyword, flags and args
  bool heredoc = false;                     // has a `<<EOF` heredoc (its body is not in args)
  std::vector<DockerfileHeredoc> heredocs;  // in order of their words

  // The value of flag `--name=…` ("" when absent). `name` without the dashes.
  std::string flag(std::string_view name) const;
  // Every value of a repeatable flag (`--mount`), in order.
  std::vector<std::string> flag_values(std::string_view name) const;
  bool exec_form() const { return !args.empty() && args.front() == '['; }
  // The JSON form's strings (`["npm", "ci"]`); nullopt when args are not a JSON string array
  // (then Docker runs them as shell form).
  std::optional<std::vector<std::string>> json_args() const;
  // The arguments as words: the JSON form's strings, else args split at whitespace (quotes
  // kept together: COPY "a b" c).
  std::vector<std::string> words() const;
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
  char escape = '\\';  // `# escape=` (\\ or `): continuations and substitution escapes

  // The stage named `name` (case-insensitive) or with that index ("0"); nullptr if none.
  const DockerfileStage* find_stage(std::string_view name) const;
};

// Parses Dockerfile text. Fails only when there is no FROM or the text is too large.
Result<Dockerfile> parse_dockerfile(std::string_view text);

// Reads and parses a file; errors name the path.
Result<Dockerfile> read_dockerfile(const std::string& path);

}  // namespace strata
