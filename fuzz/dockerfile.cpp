// Fuzzes the Dockerfile module that `strata lint` and the remediation share: the parser
// (directives, continuations, heredocs, stages, flags, the stage lookup by name or index),
// variable substitution on every instruction's text, and .dockerignore parsing and matching
// (its globs are matched against paths taken from the input too).
#include "strata/dockerfile/dockerfile.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_input.hpp"
#include "strata/dockerfile/dockerignore.hpp"
#include "strata/dockerfile/substitution.hpp"

namespace {

void fuzz_dockerfile(std::string_view text) {
  auto dockerfile = strata::parse_dockerfile(text);
  if (!dockerfile) return;
  strata::VariableLookup lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name.size() % 2) return std::nullopt;
    return std::string(name) + "-value";
  };
  for (const auto& stage : dockerfile->stages) {
    (void)dockerfile->find_stage(stage.name);
    for (const auto& instruction : stage.instructions) {
      (void)instruction.flag("from");
      (void)instruction.flag_values("mount");
      (void)instruction.json_args();
      (void)instruction.words();
      (void)strata::expand_variables(instruction.args, lookup, dockerfile->escape);
      (void)strata::referenced_variables(instruction.args, dockerfile->escape);
    }
  }
  (void)dockerfile->find_stage("0");
}

// The input's first half is the .dockerignore, its lines in the second half the paths.
void fuzz_dockerignore(std::string_view text) {
  std::string_view patterns = text.substr(0, text.size() / 2);
  std::string_view paths = text.substr(text.size() / 2);
  auto ignore = strata::DockerIgnore::parse(patterns);
  if (!ignore) return;
  for (size_t start = 0; start <= paths.size();) {
    size_t end = std::min(paths.find('\n', start), paths.size());
    std::string_view path = paths.substr(start, end - start);
    (void)ignore->excludes(path);
    (void)ignore->prunes(path);
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (256 << 10)) return -1;
  std::string_view text = fuzz::as_text(data + 1, size - 1);
  if (data[0] & 1) {
    fuzz_dockerignore(text);
  } else {
    fuzz_dockerfile(text);
  }
  return 0;
}
