// Values in the image config (ENV) and literally in a RUN command: both are readable by anyone
// who pulls the image (docker inspect, docker history), so they move to run time or to a
// build secret.
#include <algorithm>
#include <map>
#include <set>

#include "remediation_steps.hpp"
#include "shell_command.hpp"

namespace strata {

namespace {

// The ENV name whose value holds the secret, from "NAME=value" config text or an ENV step.
std::string env_name_in(std::string_view args, const std::string& secret) {
  for (const std::string& name : assigned_names(args, true)) {
    std::string value = assigned_value(args, name);
    if (!secret.empty() && value.find(secret) != std::string::npos) return name;
  }
  return "";
}

std::string config_text(const RemediationScope& scope, const Location& l) {
  const ImageView* v = scope.view_for(l);
  if (!v) return "";
  for (const ConfigString& cs : v->image->config_strings) {
    if (cs.location == l.config_location) return cs.text;
  }
  return "";
}

// A name that says its value is a credential: other pairs of the ENV line that keep their value
// in the rewrite must not be one.
bool sensitive_name(std::string_view name) {
  std::string lower = to_lower(name);
  for (std::string_view word : {"pass", "pwd", "token", "secret", "key", "auth", "cred"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// The ENV instruction's pairs, `name` without its value or dropped. `elide_all` hides every
// value (the line as it is: any pair may hold a value nobody found yet); otherwise only the
// values of credential-like names are hidden.
std::string env_pairs(std::string_view args, const std::string& name, bool drop, bool elide_all) {
  std::vector<std::string> words = split_words(args);
  if (!words.empty() && words[0].find('=') == std::string::npos) {  // legacy "ENV NAME value"
    if (words[0] == name && drop) return "";
    bool elide = words[0] == name || elide_all || sensitive_name(words[0]);
    return elide ? words[0] + "=…" : std::string(args);
  }
  std::string out;
  for (const std::string& w : words) {
    std::vector<std::string> names = assigned_names(w, false);
    std::string pair_name = names.empty() ? "" : names.front();
    bool is_name = pair_name == name;
    if (is_name && drop) continue;
    bool elide =
        w.find('=') != std::string::npos && (is_name || elide_all || sensitive_name(pair_name));
    if (!out.empty()) out += " ";
    out += elide ? pair_name + "=…" : w;
  }
  return out;
}

struct EnvLeak {
  std::string name;
  const Location* location = nullptr;
  std::string recorded_args;  // the ENV step's arguments, when history has them
};

// A later RUN of the location's image that reads $NAME during the build.
const Location* build_use(const Finding&, const RemediationScope& scope, const Location& l,
                          const std::string& name, std::string& command) {
  const ImageView* v = scope.view_for(l);
  if (!v) return nullptr;
  const auto& history = v->image->history;
  int from = l.history_step ? *l.history_step + 1 : 0;
  for (int i = from; i < static_cast<int>(std::min(history.size(), v->instructions.size())); ++i) {
    const HistoryStep& h = v->instructions[i];
    if (h.keyword == "RUN" && uses_variable(h.body, name)) {
      const DockerfileInstruction* in = v->mapping.mapped ? v->mapping.at(i) : nullptr;
      command = std::string(
          scope.window(in && in->keyword == "RUN" && !in->exec_form() ? in->args : h.body));
      return &l;
    }
  }
  return nullptr;
}

}  // namespace

void add_env_steps(const Finding& f, const RemediationScope& scope,
                   std::vector<RemediationStep>& out) {
  if (f.secret_is_path) return;
  const std::string& secret = f.secret.reveal();
  std::map<std::string, EnvLeak> leaks;
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kConfig || !l.build_arg.empty()) continue;
    if (l.history_step) {
      HistoryStep fallback;
      const HistoryStep& h = scope.instruction_at(l, fallback);
      if (h.keyword != "ENV") continue;
      std::string name = env_name_in(h.body, secret);
      if (!name.empty()) leaks.try_emplace(name, EnvLeak{name, &l, h.body});
    } else if (is_env_location(l.config_location)) {
      std::string name = env_name_in(config_text(scope, l), secret);
      if (!name.empty()) leaks.try_emplace(name, EnvLeak{name, &l, ""});
    }
  }
  size_t made = 0;
  for (const auto& [name, leak] : leaks) {
    if (made++ == kMaxStepsPerKind) break;
    const Location& l = *leak.location;
    const DockerfileInstruction* in = scope.last_setting("ENV", name);
    std::string args = in ? in->args : leak.recorded_args;
    RemediationStep step;
    step.kind = "runtime-env";
    step.before = "ENV " + (args.empty() ? name + "=…" : env_pairs(args, name, false, true));
    std::string rest = args.empty() ? "" : env_pairs(args, name, true, false);
    if (!rest.empty()) step.after = "ENV " + rest;
    std::string id = secret_id(name);
    std::string image = l.image.empty() ? "IMAGE" : l.image;
    step.command = "docker run -e " + name + " " + image;
    step.text = "ENV values are part of the image config: anyone who can pull the image reads " +
                name + " (docker inspect). " +
                (rest.empty() ? "Delete this ENV line" : "Drop " + name + " from this ENV") +
                line_note(in) + " and set it when the container starts: docker run -e " + name +
                " takes the value from the caller's environment; orchestrators inject secrets "
                "as env vars (a Kubernetes Secret via secretKeyRef, a Compose or Swarm secret).";
    std::string command;
    if (build_use(f, scope, l, name, command)) {
      step.after += (step.after.empty() ? "" : "\n") + std::string("RUN --mount=type=secret,id=") +
                    id + ",env=" + name + " " + command;
      step.text += " The build also reads $" + name +
                   ": mount it in that RUN as a build secret (Dockerfile frontend 1.10+), with "
                   "docker build --secret id=" +
                   id + ",env=" + name + " .";
    }
    out.push_back(std::move(step));
  }
}

void add_literal_run_steps(const Finding& f, const RemediationScope& scope,
                           std::vector<RemediationStep>& out) {
  if (f.secret_is_path || f.secret.reveal().empty()) return;
  const std::string& secret = f.secret.reveal();
  std::set<std::string> seen;
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kConfig || !l.build_arg.empty() || !l.history_step) continue;
    HistoryStep fallback;
    const HistoryStep& h = scope.instruction_at(l, fallback);
    if (h.keyword != "RUN" || h.body.find(secret) == std::string::npos) continue;
    if (seen.size() >= kMaxStepsPerKind || !seen.emplace(scope.window(h.body)).second) continue;
    const DockerfileInstruction* in = scope.instruction_for(l);
    bool use_dockerfile = in && in->keyword == "RUN" && in->args.find(secret) != std::string::npos;
    std::string command(scope.window(use_dockerfile ? in->args : h.body));
    std::string var = to_upper(secret_id(f.rule_id));
    std::string id = secret_id(var);
    std::string rewritten = command;
    for (size_t pos = rewritten.find(secret); pos != std::string::npos;
         pos = rewritten.find(secret, pos + var.size() + 3)) {
      rewritten.replace(pos, secret.size(), "${" + var + "}");
    }
    RemediationStep step;
    step.kind = "build-secret";
    step.before = use_dockerfile ? std::string(scope.window(in->text))
                                 : recorded_instruction(scope.window(l.created_by));
    step.after = "RUN --mount=type=secret,id=" + id + ",env=" + var + " " + rewritten;
    step.command = "docker build --secret id=" + id + ",env=" + var + " .";
    step.text =
        "The value is written into the RUN command itself, and history records every "
        "RUN command (" +
        step_phrase(l) + line_suffix(in) +
        "). Take it from a build secret instead (the env= option needs Dockerfile "
        "frontend 1.10+).";
    out.push_back(std::move(step));
  }
}

}  // namespace strata
