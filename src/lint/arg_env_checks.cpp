#include "arg_env_checks.hpp"

#include <algorithm>

#include "strata/dockerfile/arg_scope.hpp"
#include "strata/dockerfile/substitution.hpp"

namespace strata {

namespace {

// The RUN text the shell sees: its arguments and heredoc bodies.
std::string run_text(const DockerfileInstruction& run) {
  std::string text = run.args;
  for (const DockerfileHeredoc& h : run.heredocs) text += "\n" + h.body;
  return text;
}

bool uses(const DockerfileInstruction& run, const std::string& name, char escape) {
  std::vector<std::string> names = referenced_variables(run_text(run), escape);
  return std::ranges::find(names, name) != names.end();
}

std::string mount_flag(const std::string& name) {
  return "--mount=type=secret,id=" + secret_id_for(name) + ",env=" + name;
}

RemediationStep mount_step(const DockerfileInstruction& run, const std::string& name) {
  std::string id = secret_id_for(name);
  std::string mount = mount_flag(name);
  RemediationStep step;
  step.kind = "build-secret";
  step.text = "Mount " + name +
              " as a build secret in this RUN (Dockerfile frontend 1.10+ for env=; with an "
              "older one, mount it as a file: --mount=type=secret,id=" +
              id + ",target=/run/secrets/" + id + " and read that file); drop the ARG.";
  step.before = run.text;
  step.after = "RUN " + mount + " " + run.text.substr(std::min<size_t>(4, run.text.size()));
  step.command = "docker build --secret id=" + id + ",env=" + name + " .";
  return step;
}

// One ARG key with a secret's name: every later RUN of the stage records it in the history.
Finding arg_finding(const LintTarget& target, const DockerfileStage& stage, size_t index,
                    const KeyValue& kv, bool in_final_image, LintFixes* fixes) {
  const DockerfileInstruction& arg = stage.instructions[index];
  Finding f = lint_finding(kArgSecretRule, "ARG " + kv.key, arg.line, target);
  bool recorded = false;
  for (size_t j = index + 1; j < stage.instructions.size(); ++j) {
    const DockerfileInstruction& run = stage.instructions[j];
    if (run.keyword != "RUN") continue;
    recorded = true;
    if (!uses(run, kv.key, target.dockerfile.escape)) continue;
    f.remediation.push_back(mount_step(run, kv.key));
    if (fixes) fixes->mounts[run.line].push_back(mount_flag(kv.key));
  }
  if (fixes && key_values(arg).size() == 1) fixes->deleted.insert(arg.line);
  if (!in_final_image) f.severity = Severity::kLow;
  if (!recorded && !kv.raw_value) f.severity = std::min(f.severity, Severity::kMedium);
  f.remediation.push_back(
      fix_step("rotate", "If a value was ever passed for " + kv.key +
                             ", it is in the history of images built so far: rotate it."));
  return f;
}

Finding env_finding(const LintTarget& target, const DockerfileInstruction& env, const KeyValue& kv,
                    bool in_final_image, LintFixes* fixes) {
  Finding f = lint_finding(kEnvSecretRule, "ENV " + kv.key, env.line, target);
  if (!in_final_image) f.severity = Severity::kLow;
  f.remediation.push_back(fix_step("runtime-env",
                                   "Do not bake " + kv.key +
                                       " into the image: give it when the container starts "
                                       "(docker run -e " +
                                       kv.key + ", a secret store, or a mounted file).",
                                   env.text));
  if (fixes && key_values(env).size() == 1) fixes->deleted.insert(env.line);
  return f;
}

}  // namespace

void check_args_and_envs(const LintTarget& target, std::vector<Finding>& out, LintFixes* fixes) {
  std::vector<const DockerfileStage*> chain = final_chain(target.dockerfile);
  for (const DockerfileStage& stage : target.dockerfile.stages) {
    bool in_final = std::ranges::find(chain, &stage) != chain.end();
    for (size_t i = 0; i < stage.instructions.size(); ++i) {
      const DockerfileInstruction& in = stage.instructions[i];
      if (in.keyword != "ARG" && in.keyword != "ENV") continue;
      for (const KeyValue& kv : key_values(in)) {
        if (!is_secret_name(kv.key)) continue;
        if (in.keyword == "ARG") {
          out.push_back(arg_finding(target, stage, i, kv, in_final, fixes));
        } else if (kv.raw_value && !kv.raw_value->empty()) {
          out.push_back(env_finding(target, in, kv, in_final, fixes));
        }
      }
    }
  }
}

}  // namespace strata
