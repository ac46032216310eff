// ARG and ENV scoping as BuildKit does it: ARGs before the first FROM are global and visible
// only in FROM lines, unless a stage declares them again (`ARG NAME` then takes the global
// default); a stage's ARG and ENV are visible to the instructions after them in that stage
// (and ENV in stages built FROM it); values are substituted (substitution.hpp) as declared.
//
//   auto vars = variables_at(df, df.stages[1], 3);   // what instruction 3 of stage 1 sees
//   auto copy = expand_variables(in.args, lookup_in(vars), df.escape);
//
// Thread safety: pure functions. Errors: none; a value that does not substitute is kept
// unsubstituted (the builder would fail there; lint still reports what it sees).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strata/dockerfile/dockerfile.hpp"
#include "strata/dockerfile/substitution.hpp"

namespace strata {

// `ARG A=1 B`, `ENV A=1 B="x y"`, `ENV A 1` (legacy), `LABEL a=b`: names and raw values
// (quotes kept; substitute them for the value the builder sees). A value is nullopt for
// `ARG B` (declared without a default).
struct KeyValue {
  std::string key;
  std::optional<std::string> raw_value;
};
std::vector<KeyValue> key_values(const DockerfileInstruction& in);

struct ScopedVariable {
  std::optional<std::string> value;  // nullopt: an ARG declared without a value
  bool is_arg = false;               // ARG (a build arg) or ENV
  int line = 0;                      // where it was declared
};
using VariableScope = std::map<std::string, ScopedVariable>;

// The global ARGs (for FROM lines). `build_args` override declared defaults (--build-arg).
VariableScope global_scope(const Dockerfile& df,
                           const std::map<std::string, std::string>& build_args = {});

// What instruction `index` of `stage` sees (the instructions before it in the stage, and the
// ENV of the stages it is built FROM).
VariableScope variables_at(const Dockerfile& df, const DockerfileStage& stage, size_t index,
                           const std::map<std::string, std::string>& build_args = {});

VariableLookup lookup_in(const VariableScope& scope);

}  // namespace strata
