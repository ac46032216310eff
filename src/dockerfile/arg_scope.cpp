#include "strata/dockerfile/arg_scope.hpp"

#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

std::string substituted(const std::string& raw, const VariableScope& scope, char escape) {
  auto value = expand_variables(raw, lookup_in(scope), escape);
  return value ? *value : raw;
}

void apply(const DockerfileInstruction& in, VariableScope& scope, const VariableScope& globals,
           const std::map<std::string, std::string>& build_args, char escape) {
  bool is_arg = in.keyword == "ARG";
  if (!is_arg && in.keyword != "ENV") return;
  for (const KeyValue& kv : key_values(in)) {
    ScopedVariable v;
    v.is_arg = is_arg;
    v.line = in.line;
    if (kv.raw_value) v.value = substituted(*kv.raw_value, scope, escape);
    if (is_arg) {
      auto global = globals.find(kv.key);
      if (!v.value && global != globals.end()) v.value = global->second.value;
      if (auto given = build_args.find(kv.key); given != build_args.end()) v.value = given->second;
    }
    scope[kv.key] = std::move(v);
  }
}

}  // namespace

std::vector<KeyValue> key_values(const DockerfileInstruction& in) {
  std::vector<std::string> words = split_words(in.args);
  std::vector<KeyValue> out;
  // The legacy form `ENV NAME value with spaces`: one pair, the rest of the line its value.
  if (in.keyword != "ARG" && !words.empty() && words[0].find('=') == std::string::npos) {
    size_t space = in.args.find_first_of(" \t");
    std::string rest = space == std::string::npos ? "" : std::string(trim(in.args.substr(space)));
    out.push_back({words[0], rest});
    return out;
  }
  for (const std::string& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos) {
      out.push_back({w, std::nullopt});
    } else {
      out.push_back({w.substr(0, eq), w.substr(eq + 1)});
    }
  }
  return out;
}

VariableScope global_scope(const Dockerfile& df,
                           const std::map<std::string, std::string>& build_args) {
  VariableScope scope;
  for (const DockerfileInstruction& in : df.global_args) {
    apply(in, scope, {}, build_args, df.escape);
  }
  return scope;
}

VariableScope variables_at(const Dockerfile& df, const DockerfileStage& stage, size_t index,
                           const std::map<std::string, std::string>& build_args) {
  VariableScope scope;
  // A stage built FROM another stage inherits its environment (not its ARGs).
  const DockerfileStage* parent = df.find_stage(stage.base);
  if (parent && parent->index < stage.index) {
    for (auto& [name, v] : variables_at(df, *parent, parent->instructions.size(), build_args)) {
      if (!v.is_arg) scope[name] = v;
    }
  }
  VariableScope globals = global_scope(df, build_args);
  for (size_t i = 0; i < index && i < stage.instructions.size(); ++i) {
    apply(stage.instructions[i], scope, globals, build_args, df.escape);
  }
  return scope;
}

VariableLookup lookup_in(const VariableScope& scope) {
  return [&scope](std::string_view name) -> std::optional<std::string> {
    auto it = scope.find(std::string(name));
    if (it == scope.end()) return std::nullopt;
    return it->second.value;
  };
}

}  // namespace strata
