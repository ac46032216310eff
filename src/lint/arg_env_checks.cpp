#include "arg_env_checks.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "context_landings.hpp"
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

// Whether the Dockerfile asks for a frontend that mounts a secret as a variable (`env=`,
// docker/dockerfile 1.10+); builders without one (buildah, older BuildKit) mount files only.
bool env_mounts(const Dockerfile& df) {
  for (const std::string& d : df.directives) {
    if (!d.starts_with("syntax=")) continue;
    std::string image = d.substr(7);
    size_t colon = image.rfind(':');
    if (colon == std::string::npos) return true;  // the latest
    std::string tag = image.substr(colon + 1);
    if (tag == "1" || tag == "labs" || tag == "1-labs") return true;
    if (tag.starts_with("1.")) return std::atoi(tag.c_str() + 2) >= 10;
  }
  return false;
}

// The mount of a secret for variable `name`: as the variable itself, or as a file the RUN
// reads into it first (`command`).
struct SecretMount {
  std::string flag;
  std::string command;  // "" for an env= mount
};

SecretMount secret_mount(const std::string& name, bool env) {
  std::string id = secret_id_for(name);
  if (env) return {"--mount=type=secret,id=" + id + ",env=" + name, ""};
  return {"--mount=type=secret,id=" + id, "export " + name + "=\"$(cat /run/secrets/" + id + ")\""};
}

// A RUN can take the file form's command first only as shell text.
bool rewritable(const DockerfileInstruction& run, const SecretMount& mount) {
  return mount.command.empty() || (!run.heredoc && !run.exec_form());
}

RemediationStep mount_step(const DockerfileInstruction& run, const std::string& name,
                           const SecretMount& mount) {
  std::string id = secret_id_for(name);
  RemediationStep step;
  step.kind = "build-secret";
  step.text = "Mount " + name + " as a build secret in this RUN and drop the ARG" +
              (mount.command.empty() ? std::string(".")
                                     : " (a file mount, read into the variable: `env=` on the "
                                       "mount needs `# syntax=docker/dockerfile:1.10`).");
  step.before = run.text;
  step.after = "RUN " + mount.flag;
  for (const std::string& flag : run.flags) step.after += " " + flag;
  step.after += " " + (mount.command.empty() ? "" : mount.command + " && ") + run.args;
  step.command = "docker build --secret id=" + id + ",env=" + name + " .";
  return step;
}

// The RUNs after the ARG in its stage that read it. When none names it, every one of them: an
// ARG is in the environment of each RUN after it, where tools read it without the Dockerfile
// saying so (npm expands the ${NPM_TOKEN} of an .npmrc); a fix must keep it there.
std::vector<const DockerfileInstruction*> readers(const LintTarget& target,
                                                  const DockerfileStage& stage, size_t index,
                                                  const std::string& name) {
  std::vector<const DockerfileInstruction*> named;
  std::vector<const DockerfileInstruction*> all;
  for (size_t j = index + 1; j < stage.instructions.size(); ++j) {
    const DockerfileInstruction& run = stage.instructions[j];
    if (run.keyword != "RUN") continue;
    all.push_back(&run);
    if (uses(run, name, target.dockerfile.escape)) named.push_back(&run);
  }
  return named.empty() ? all : named;
}

// The word at `pos` of shell text (quotes dropped), and where it ends.
std::string shell_word(const std::string& text, size_t& pos) {
  pos = text.find_first_not_of(" \t", pos);
  std::string word;
  while (pos < text.size() && !std::strchr(" \t;&|<>()", text[pos])) {
    if (text[pos] != '"' && text[pos] != '\'') word += text[pos];
    ++pos;
  }
  return word;
}

// The files a RUN's shell text writes (`> f`, `>> f`, `tee [-a] f`) as absolute paths: `~` and
// $HOME are /root, a relative path is under `workdir`.
std::vector<std::string> files_written(const std::string& text, const std::string& workdir) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    bool redirect = text[pos] == '>' && (pos + 1 >= text.size() || text[pos + 1] != '&');
    bool tee =
        text.compare(pos, 4, "tee ") == 0 && (pos == 0 || std::strchr(" |;&", text[pos - 1]));
    if (!redirect && !tee) continue;
    size_t at = pos + (tee ? 4 : text[pos + 1] == '>' ? 2 : 1);
    std::string file = shell_word(text, at);
    if (tee && file == "-a") file = shell_word(text, at);
    if (file.empty() || file.starts_with("/dev/") || file.starts_with('&')) continue;
    for (const char* home : {"~/", "$HOME/", "${HOME}/"}) {
      if (file.starts_with(home)) file = "/root/" + file.substr(std::strlen(home));
    }
    out.push_back(clean_slash_path(file.starts_with('/') ? file : workdir + "/" + file));
  }
  return out;
}

// The stage's WORKDIR before instruction `index` ("/" without one).
std::string workdir_before(const DockerfileStage& stage, size_t index) {
  std::string dir = "/";
  for (size_t i = 0; i < index; ++i) {
    const DockerfileInstruction& in = stage.instructions[i];
    if (in.keyword == "WORKDIR" && !in.args.empty()) {
      dir = clean_slash_path(in.args.starts_with('/') ? in.args : dir + "/" + in.args);
    }
  }
  return dir;
}

// A file a RUN after the ARG writes its value to and the final image gets (a builder's .npmrc
// in the tree COPY --from=build /app /app copies on); "" when none.
std::string written_to_final_image(const LintTarget& target, const DockerfileStage& stage,
                                   size_t index, const std::string& name) {
  for (size_t j = index + 1; j < stage.instructions.size(); ++j) {
    const DockerfileInstruction& run = stage.instructions[j];
    if (run.keyword != "RUN" || !uses(run, name, target.dockerfile.escape)) continue;
    for (const std::string& file : files_written(run_text(run), workdir_before(stage, j))) {
      if (reaches_final_image(target.dockerfile, stage, file)) return file;
    }
  }
  return "";
}

bool any_run_after(const DockerfileStage& stage, size_t index) {
  return std::any_of(stage.instructions.begin() + static_cast<std::ptrdiff_t>(index) + 1,
                     stage.instructions.end(), [](auto& in) { return in.keyword == "RUN"; });
}

// One ARG key with a secret's name: every later RUN of the stage records it in the history.
Finding arg_finding(const LintTarget& target, const DockerfileStage& stage, size_t index,
                    const KeyValue& kv, bool in_final_image, LintFixes* fixes) {
  const DockerfileInstruction& arg = stage.instructions[index];
  Finding f = lint_finding(kArgSecretRule, "ARG " + kv.key, arg.line, target);
  std::string written = written_to_final_image(target, stage, index, kv.key);
  in_final_image = in_final_image || !written.empty();
  SecretMount mount = secret_mount(kv.key, env_mounts(target.dockerfile));
  std::vector<const DockerfileInstruction*> runs = readers(target, stage, index, kv.key);
  for (const DockerfileInstruction* run : runs) {
    f.remediation.push_back(mount_step(*run, kv.key, mount));
  }
  bool fixable = std::ranges::all_of(runs, [&](auto* run) { return rewritable(*run, mount); });
  if (fixes && fixable && key_values(arg).size() == 1) {
    fixes->deleted.insert(arg.line);
    for (const DockerfileInstruction* run : runs) {
      fixes->mounts[run->line].push_back(mount.flag);
      if (!mount.command.empty()) fixes->commands[run->line].push_back(mount.command);
    }
  }
  if (!in_final_image) f.severity = Severity::kLow;
  if (!any_run_after(stage, index) && !kv.raw_value) {
    f.severity = std::min(f.severity, Severity::kMedium);
  }
  if (!written.empty()) {
    // The mount keeps the value out of the history, not out of the file the RUN writes.
    f.remediation.push_back(fix_step("build-secret-file",
                                     "A RUN writes " + kv.key + " to " + written +
                                         ", which the final image gets: mount that file as a build "
                                         "secret instead (RUN --mount=type=secret,id=…,target=" +
                                         written + ") or delete it in the same RUN"));
  }
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
