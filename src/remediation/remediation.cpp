#include "strata/remediation/remediation.hpp"

#include "remediation_steps.hpp"
#include "strata/findings/secrets_to_hide.hpp"

namespace strata {

namespace {

// config.Labels.<key>, config.Cmd[…], config.Entrypoint[…], config.Healthcheck…
std::string_view config_field(std::string_view where) {
  size_t dot = where.find("config.");
  if (dot == std::string_view::npos) return "";
  return where.substr(dot + 7);
}

// The Dockerfile line of a config string that is no history entry: the last instruction of the
// chain that set it (ENV NAME, LABEL key, CMD, ENTRYPOINT, HEALTHCHECK).
int config_line(const RemediationScope& scope, const ImageView& view, const Location& l) {
  std::string_view field = config_field(l.config_location);
  const DockerfileInstruction* in = nullptr;
  if (is_env_location(l.config_location)) {
    for (const ConfigString& cs : view.image->config_strings) {
      if (cs.location != l.config_location) continue;
      std::string name = cs.text.substr(0, cs.text.find('='));
      in = scope.last_setting("ENV", name);
      break;
    }
  } else if (field.starts_with("Labels.")) {
    in = scope.last_setting("LABEL", field.substr(7));
  } else {
    for (std::string_view keyword : {"Cmd", "Entrypoint", "Healthcheck"}) {
      if (!field.starts_with(keyword)) continue;
      std::string upper = to_upper(keyword);
      for (const DockerfileInstruction* i : scope.chain) {
        if (i->keyword == upper) in = i;
      }
    }
  }
  return in ? in->line : 0;
}

void set_dockerfile_lines(Finding& f, const RemediationScope& scope) {
  for (Location& l : f.locations) {
    const ImageView* view = scope.view_for(l);
    if (!view || !view->mapping.mapped) continue;
    if (l.kind == LocationKind::kAttestation) continue;
    if (l.history_step) {
      if (l.history_last) continue;  // a squashed range: no single instruction
      const DockerfileInstruction* in = view->mapping.at(*l.history_step);
      if (in) l.dockerfile_line = in->line;
    } else if (l.kind == LocationKind::kConfig) {
      l.dockerfile_line = config_line(scope, *view, l);
    }
  }
}

void scrub(RemediationStep& step, const SecretScrubber& scrubber) {
  for (std::string* field : {&step.text, &step.before, &step.after, &step.command}) {
    *field = scrubber.scrub(*field, kMaxFieldBytes);
  }
  for (std::string& line : step.lines) line = scrubber.scrub(line, kMaxFieldBytes);
}

// Every finding's value but placeholders, which rewritten commands quote; replaced by "…" only
// (a fix needs no hint of which secret it was).
SecretScrubber scrubber_for(const std::vector<Finding>& findings) {
  std::vector<SecretScrubber::Secret> secrets = secrets_to_hide(findings, true);
  for (SecretScrubber::Secret& s : secrets) s.replacement = SecretScrubber::kElided;
  return SecretScrubber(std::move(secrets));
}

ImageView view_of(const Image& image, const Dockerfile* dockerfile) {
  ImageView view;
  view.image = &image;
  view.instructions.reserve(image.history.size());
  for (const HistoryEntry& entry : image.history) {
    view.instructions.push_back(parse_history_step(entry.created_by));
  }
  view.workdirs = workdirs_of(view.instructions);
  if (dockerfile && !image.is_attestation) {
    view.mapping = map_history_to_dockerfile(image.history, *dockerfile);
  }
  return view;
}

std::vector<RemediationStep> steps_for(const Finding& f, const RemediationScope& scope) {
  std::vector<RemediationStep> fixes;
  add_build_arg_steps(f, scope, fixes);
  add_literal_run_steps(f, scope, fixes);
  add_env_steps(f, scope, fixes);
  add_copied_file_steps(f, scope, fixes);
  std::vector<RemediationStep> steps;
  add_deleted_file_steps(f, scope, !fixes.empty(), steps);
  for (RemediationStep& s : fixes) steps.push_back(std::move(s));
  steps.push_back(rotate_step(f, scope));
  return steps;
}

}  // namespace

void add_remediation(std::vector<Finding>& findings, const RemediationContext& ctx) {
  if (findings.empty()) return;  // nothing to fix: no history to read
  SecretScrubber scrubber = scrubber_for(findings);
  RemediationScope scope;
  scope.ctx = &ctx;
  scope.scrubber = &scrubber;
  if (ctx.dockerfile) scope.chain = final_stage_chain(*ctx.dockerfile);
  if (ctx.images) {
    for (const Image& image : *ctx.images) scope.views.push_back(view_of(image, ctx.dockerfile));
  }
  for (Finding& f : findings) {
    set_dockerfile_lines(f, scope);
    f.remediation.clear();
    if (f.suppression) continue;
    f.remediation = steps_for(f, scope);
    for (RemediationStep& step : f.remediation) scrub(step, scrubber);
  }
}

}  // namespace strata
