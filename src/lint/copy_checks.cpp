#include "copy_checks.hpp"

#include <algorithm>

#include "strata/dockerfile/arg_scope.hpp"

namespace strata {

namespace {

// A source as a context path: "./src/" -> "src", "." and "/" -> ".".
std::string context_path(std::string_view source) {
  std::string cleaned = clean_slash_path(source);
  if (cleaned.starts_with('/')) cleaned = cleaned == "/" ? "." : cleaned.substr(1);
  return cleaned;
}

bool takes_whole_context(const Dockerfile& df, const DockerfileInstruction& in) {
  if (in.flag("from").empty() && (in.keyword == "COPY" || in.keyword == "ADD")) {
    for (const std::string& s : copy_sources(df, in)) {
      if (context_path(s) == ".") return true;
    }
  }
  return false;
}

// The stage's last WORKDIR, cleaned ("/" without one).
std::string workdir_of(const DockerfileStage& stage) {
  std::string dir = "/";
  for (const DockerfileInstruction& in : stage.instructions) {
    if (in.keyword != "WORKDIR" || in.args.empty()) continue;
    dir = in.args.starts_with('/') ? in.args : dir + "/" + in.args;
  }
  return clean_slash_path(dir);
}

bool copies_context_into(const Dockerfile& df, const DockerfileStage& stage) {
  for (const DockerfileInstruction& in : stage.instructions) {
    if (takes_whole_context(df, in)) return true;
  }
  const DockerfileStage* parent = df.find_stage(stage.base);
  return parent && parent->index < stage.index && copies_context_into(df, *parent);
}

}  // namespace

std::vector<std::string> copy_sources(const Dockerfile& df, const DockerfileInstruction& in) {
  std::vector<std::string> words = copy_words(df, in);
  if (!words.empty()) words.pop_back();
  return words;
}

std::vector<std::string> copy_words(const Dockerfile& df, const DockerfileInstruction& in) {
  std::vector<std::string> words = in.words();
  PlacedInstruction placed = instruction_at(df, in.line);
  if (!placed.stage) return words;
  VariableScope scope = variables_at(df, *placed.stage, placed.index);
  for (std::string& w : words) {
    auto expanded = expand_variables(w, lookup_in(scope), df.escape);
    if (expanded) w = std::move(*expanded);
  }
  return words;
}

bool names_path(std::string_view source, std::string_view path) {
  return context_path(source) == clean_slash_path(path);
}

namespace {

// Files that hold package-manager, git, registry or SSH credentials by their name.
bool is_credentials_file(std::string_view path) {
  constexpr std::string_view kNames[] = {
      ".npmrc", ".pypirc",    ".netrc",      ".git-credentials", ".env",
      "id_rsa", "id_ed25519", "credentials", "auth.json",        "settings-security.xml"};
  std::string cleaned = clean_slash_path(path);
  std::string_view name = cleaned;
  name.remove_prefix(std::min(name.size(), name.rfind('/') + 1));
  if (cleaned.ends_with(".docker/config.json")) return true;
  return std::ranges::find(kNames, name) != std::end(kNames);
}

Finding whole_stage_finding(const LintTarget& target, const DockerfileInstruction& in,
                            const std::string& source) {
  Finding f = lint_finding(kCopyWholeStageRule, in.text, in.line, target);
  f.remediation.push_back(
      fix_step("copy-from",
               "Copy only what the runtime needs from stage " + in.flag("from") +
                   " (its build output, "
                   "e.g. " +
                   (source == "/" ? std::string("/app/dist") : source + "/dist") +
                   "), not its whole tree with sources, tests, .git and credentials.",
               in.text));
  return f;
}

Finding credentials_finding(const LintTarget& target, const DockerfileInstruction& in) {
  Finding f = lint_finding(kCopyCredentialsRule, in.text, in.line, target);
  f.remediation.push_back(fix_step(
      "copy-from",
      "Do not copy the credentials file into the runtime image: mount it as a build secret "
      "where the builder needs it (RUN --mount=type=secret,id=…,target=…) and give the running "
      "container its own credentials.",
      in.text));
  return f;
}

}  // namespace

void check_copy_from_stages(const LintTarget& target, std::vector<Finding>& out) {
  const Dockerfile& df = target.dockerfile;
  for (const DockerfileStage* stage : final_chain(df)) {
    for (const DockerfileInstruction& in : stage->instructions) {
      const DockerfileStage* from = in.keyword == "COPY" ? df.find_stage(in.flag("from")) : nullptr;
      if (!from || from->index >= stage->index) continue;
      std::string workdir = workdir_of(*from);
      for (const std::string& source : copy_sources(df, in)) {
        std::string s = clean_slash_path(source.starts_with('/') ? source : workdir + "/" + source);
        if (is_credentials_file(s)) {
          out.push_back(credentials_finding(target, in));
          break;
        }
        if (s == "/" || (s == workdir && copies_context_into(df, *from))) {
          out.push_back(whole_stage_finding(target, in, s));
          break;
        }
      }
    }
  }
}

}  // namespace strata
