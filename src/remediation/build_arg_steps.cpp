// Build args: every RUN after `ARG NAME` records NAME's value in history. The fix is the RUN
// that uses it, rewritten to take the value from a build secret (an env var, or a file mounted
// where the step used to write it), and the ARG removed.
#include <algorithm>
#include <map>
#include <set>

#include "remediation_steps.hpp"
#include "shell_command.hpp"

namespace strata {

namespace {

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const std::string& f : flags) out += f + " ";
  return out;
}

std::string arg_note(const RemediationScope& scope, const std::string& name) {
  const DockerfileInstruction* arg = scope.arg_instruction(name);
  return "remove the `ARG " + name + "` line" + line_note(arg) + " and its --build-arg";
}

// Where the step put the value: the redirect target of the segment that uses the arg, or else
// a file this very step put in its layer (the value was found there).
struct FileTarget {
  std::string path;      // absolute
  int segment = -1;      // the segment that wrote it, when known
  int layer_index = -1;  // the layer that keeps the file, when known
};

FileTarget file_target(const Finding& f, const Location& arg_location, const ShellCommand& sh,
                       const std::string& name, const std::string& workdir) {
  FileTarget t;
  for (size_t i = 0; i < sh.segments.size(); ++i) {
    const ShellSegment& s = sh.segments[i];
    if (!s.redirect_target.empty() && uses_variable(s.text, name)) {
      t.path = resolve_path(workdir, s.redirect_target);
      t.segment = static_cast<int>(i);
      break;
    }
  }
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kLayerFile || l.image != arg_location.image ||
        l.platform != arg_location.platform || l.history_step != arg_location.history_step ||
        l.history_last || l.path.find("!/") != std::string::npos) {
      continue;
    }
    std::string path = resolve_path("/", l.path);
    if (t.path.empty() || t.path == path) {
      if (t.path != path) t.segment = -1;
      t.path = path;
      t.layer_index = l.layer_index;
      break;
    }
  }
  return t;
}

// The RUN a step rewrites: the Dockerfile's line when mapped, else history's command.
struct RunSource {
  const DockerfileInstruction* in = nullptr;  // when the rewrite starts from the Dockerfile
  std::string command;                        // windowed: at most what a field shows
  std::vector<std::string> flags;
  std::string before;
  std::string where;  // "history step 4 (Dockerfile line 9)"
};

RunSource run_source(const RemediationScope& scope, const Location& l, const HistoryStep& h) {
  const DockerfileInstruction* in = scope.instruction_for(l);
  bool use_dockerfile = in && in->keyword == "RUN" && !in->exec_form() && !in->heredoc;
  RunSource src;
  src.in = in;
  src.command = std::string(scope.window(use_dockerfile ? in->args : h.body));
  src.flags = use_dockerfile ? in->flags : h.flags;
  src.before = use_dockerfile ? std::string(scope.window(in->text))
                              : recorded_instruction(scope.window(l.created_by));
  src.where = step_phrase(l) + line_note(in);
  return src;
}

// `rm …` naming `path`: with the file mounted read-only, removing it fails the build.
bool removes(const ShellSegment& segment, const std::string& path, const std::string& workdir) {
  std::vector<std::string> words = split_words(segment.text);
  if (words.empty() || words[0] != "rm") return false;
  return std::any_of(words.begin() + 1, words.end(), [&](const std::string& w) {
    return !w.starts_with('-') && resolve_path(workdir, w) == path;
  });
}

// The command without the segment that wrote the file and any that remove it.
std::string command_without_writer(const ShellCommand& sh, const FileTarget& target,
                                   const std::string& workdir, const std::string& command) {
  std::set<size_t> dropped;
  if (target.segment >= 0) dropped.insert(static_cast<size_t>(target.segment));
  for (size_t i = 0; i < sh.segments.size(); ++i) {
    if (removes(sh.segments[i], target.path, workdir)) dropped.insert(i);
  }
  if (dropped.empty()) return command;
  bool ok = false;
  std::string rest = without_segments(sh, dropped, ok);
  if (!ok) return command;
  return rest.empty() ? "<the command that needs " + target.path + ">" : rest;
}

RemediationStep file_secret_step(const RemediationScope& scope, const RunSource& src,
                                 const ShellCommand& sh, const FileTarget& target,
                                 const std::string& workdir, const std::string& name) {
  std::string file = base_name(target.path);
  std::string id = secret_id(file);
  RemediationStep step;
  step.kind = "build-secret-file";
  step.before = src.before;
  step.after = "RUN " + join_flags(src.flags) + "--mount=type=secret,id=" + id +
               ",target=" + target.path + " " +
               command_without_writer(sh, target, workdir, src.command);
  step.command = "docker build --secret id=" + id + ",src=" + file + " .";
  step.text =
      "The build arg " + name + " is recorded with its value in " + src.where +
      ", and the step writes it into " + target.path +
      (target.layer_index >= 0 ? ", which layer " + std::to_string(target.layer_index) + " keeps"
                               : "") +
      ". Mount that file as a build secret instead: it exists only while this RUN "
      "runs, never in a layer or in the history. Keep " +
      file +
      " on the build machine (list it in .dockerignore if it is in the build "
      "context), drop the part of the command that wrote it, and " +
      arg_note(scope, name) + ".";
  return step;
}

RemediationStep env_secret_step(const RemediationScope& scope, const RunSource& src,
                                const std::string& name) {
  std::string id = secret_id(name);
  std::string flags = join_flags(src.flags);
  RemediationStep step;
  step.kind = "build-secret";
  step.before = src.before;
  step.after = "RUN " + flags + "--mount=type=secret,id=" + id + ",env=" + name + " " + src.command;
  step.command = "docker build --secret id=" + id + ",env=" + name + " .";
  step.text = "The build arg " + name + " is recorded with its value in " + src.where +
              " (every RUN after the ARG records it). Pass it as a build secret: it is set "
              "only while this RUN runs and never stored in the image; " +
              arg_note(scope, name) +
              ". The env= option needs Dockerfile frontend 1.10+ (# syntax=docker/"
              "dockerfile:1.10); with an older one read the mounted file: RUN " +
              flags + "--mount=type=secret,id=" + id + " export " + name +
              "=\"$(cat /run/secrets/" + id + ")\" && " + src.command;
  return step;
}

RemediationStep rewrite_step(const Finding& f, const RemediationScope& scope, const Location& l,
                             const HistoryStep& h, const std::string& name) {
  RunSource src = run_source(scope, l, h);
  std::string workdir = scope.workdir_of(l);
  ShellCommand sh = split_shell_command(src.command);
  FileTarget target = file_target(f, l, sh, name, workdir);
  if (!target.path.empty()) return file_secret_step(scope, src, sh, target, workdir, name);
  return env_secret_step(scope, src, name);
}

// A layer file that a RUN wrote from a build arg (`echo …${NPM_TOKEN} > /root/.npmrc`), when the
// finding is the file (file.npmrc-auth) rather than the arg's value.
void add_file_writer_steps(const Finding& f, const RemediationScope& scope,
                           std::set<std::pair<int, std::string>>& done,
                           std::vector<RemediationStep>& out) {
  size_t made = 0;
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kLayerFile || !l.history_step || l.history_last) continue;
    HistoryStep fallback;
    const HistoryStep& h = scope.instruction_at(l, fallback);
    if (h.keyword != "RUN") continue;
    std::string workdir = scope.workdir_of(l);
    std::string file = resolve_path("/", l.path);
    ShellCommand sh = split_shell_command(scope.window(h.body));
    for (const BuildArg& arg : parse_history_step(scope.window(l.created_by)).build_args) {
      bool writes = false;
      for (const ShellSegment& s : sh.segments) {
        writes = writes || (!s.redirect_target.empty() && uses_variable(s.text, arg.name) &&
                            resolve_path(workdir, s.redirect_target) == file);
      }
      if (!writes || !done.emplace(*l.history_step, arg.name).second) continue;
      if (made++ == kMaxStepsPerKind) return;
      out.push_back(rewrite_step(f, scope, l, h, arg.name));
    }
  }
}

}  // namespace

void add_build_arg_steps(const Finding& f, const RemediationScope& scope,
                         std::vector<RemediationStep>& out) {
  std::map<std::string, std::vector<const Location*>> by_arg;
  for (const Location& l : f.locations) {
    if (l.kind == LocationKind::kConfig && !l.build_arg.empty() && l.history_step) {
      by_arg[l.build_arg].push_back(&l);
    }
  }
  std::set<std::pair<int, std::string>> done;  // (history step, arg)
  for (auto& [name, locations] : by_arg) {
    // Steps in build order ("history[10]" sorts before "history[9]" as text).
    std::sort(locations.begin(), locations.end(), [](const Location* a, const Location* b) {
      return *a->history_step < *b->history_step;
    });
    std::vector<std::pair<const Location*, HistoryStep>> runs, users;
    std::set<std::string> seen;  // the same command in several images
    for (const Location* l : locations) {
      HistoryStep fallback;
      const HistoryStep& h = scope.instruction_at(*l, fallback);
      if (h.keyword != "RUN") continue;
      HistoryStep windowed = h;
      windowed.body = std::string(scope.window(h.body));
      if (!seen.insert(windowed.body).second) continue;
      if (uses_variable(h.body, name)) users.emplace_back(l, windowed);
      runs.emplace_back(l, std::move(windowed));
    }
    // No command names it, yet tools read build args from the environment (npm expands
    // ${NPM_TOKEN} in .npmrc): the first RUN after the ARG is the one to rewrite.
    bool implicit = users.empty() && !runs.empty();
    if (implicit) users.push_back(runs.front());
    for (size_t i = 0; i < users.size() && i < kMaxStepsPerKind; ++i) {
      const auto& [l, h] = users[i];
      out.push_back(rewrite_step(f, scope, *l, h, name));
      done.emplace(*l->history_step, name);
      if (implicit) {
        out.back().text += " No command names $" + name +
                           ", but its tools can read it from the environment" +
                           (runs.size() > 1 ? "; if a later RUN is the one that needs it, mount "
                                              "it there instead."
                                            : ".");
      }
    }
    if (!runs.empty()) continue;
    // Recorded, but on no RUN: the ARG only leaks it.
    RemediationStep step;
    step.kind = "build-secret";
    const DockerfileInstruction* arg = scope.arg_instruction(name);
    step.before = arg ? arg->text : recorded_instruction(locations.front()->created_by);
    step.text =
        "The build arg " + name + " is recorded with its value in " +
        step_phrase(*locations.front()) + ": " + arg_note(scope, name) +
        ". If a step does need it, mount it there: RUN --mount=type=secret,id=" + secret_id(name) +
        ",env=" + name + " <command>, with docker build --secret id=" + secret_id(name) +
        ",env=" + name + " .";
    out.push_back(std::move(step));
  }
  add_file_writer_steps(f, scope, done, out);
}

}  // namespace strata
