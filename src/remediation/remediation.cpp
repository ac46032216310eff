#include "strata/remediation/remediation.hpp"

#include <algorithm>
#include <map>

#include "remediation_steps.hpp"

namespace strata {

namespace {

constexpr size_t kMaxFieldBytes = 4096;
constexpr std::string_view kElided = "…";

bool is_env_location(std::string_view where) {
  return where.starts_with("Env[") || where.find(".Env[") != std::string_view::npos;
}

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
      std::string upper(keyword);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
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

// Every finding's value, looked up by its first bytes: scrubbing stays linear in the text
// however many findings a scan has.
class SecretScrubber {
 public:
  explicit SecretScrubber(std::vector<std::string> secrets) : secrets_(std::move(secrets)) {
    // Longest first, so a value containing another is elided whole.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    secrets_.erase(std::unique(secrets_.begin(), secrets_.end()), secrets_.end());
    for (const std::string& s : secrets_) {
      if (s.size() < kPrefix) {
        short_.push_back(&s);
      } else {
        by_prefix_[s.substr(0, kPrefix)].push_back(&s);
      }
    }
  }

  void scrub(std::string& field) const {
    for (const std::string* s : short_) replace_all(field, *s);
    std::string out;
    out.reserve(field.size());
    size_t i = 0;
    while (i < field.size()) {
      const std::string* hit = nullptr;
      if (i + kPrefix <= field.size()) {
        auto it = by_prefix_.find(std::string_view(field).substr(i, kPrefix));
        for (size_t k = 0; it != by_prefix_.end() && k < it->second.size() && !hit; ++k) {
          if (field.compare(i, it->second[k]->size(), *it->second[k]) == 0) hit = it->second[k];
        }
      }
      if (hit) {
        out += kElided;
        i += hit->size();
      } else {
        out += field[i++];
      }
    }
    field = std::move(out);
    if (field.size() > kMaxFieldBytes) {
      size_t cut = kMaxFieldBytes;
      while (cut > 0 && (static_cast<unsigned char>(field[cut]) & 0xC0) == 0x80) --cut;
      field = field.substr(0, cut) + std::string(kElided);
    }
  }

  void scrub(RemediationStep& step) const {
    scrub(step.text);
    scrub(step.before);
    scrub(step.after);
    scrub(step.command);
    for (std::string& line : step.lines) scrub(line);
  }

 private:
  static constexpr size_t kPrefix = 4;

  static void replace_all(std::string& text, const std::string& value) {
    for (size_t pos = text.find(value); pos != std::string::npos;
         pos = text.find(value, pos + kElided.size())) {
      text.replace(pos, value.size(), kElided);
    }
  }

  std::vector<std::string> secrets_;
  std::vector<const std::string*> short_;
  std::map<std::string, std::vector<const std::string*>, std::less<>> by_prefix_;
};

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
  RemediationScope scope;
  scope.ctx = &ctx;
  if (ctx.dockerfile) scope.chain = final_stage_chain(*ctx.dockerfile);
  if (ctx.images) {
    for (const Image& image : *ctx.images) {
      ImageView view;
      view.image = &image;
      view.workdirs = workdirs_of(image);
      if (ctx.dockerfile && !image.is_attestation) {
        view.mapping = map_history_to_dockerfile(image.history, *ctx.dockerfile);
      }
      scope.views.push_back(std::move(view));
    }
  }
  std::vector<std::string> secrets;
  for (const Finding& f : findings) {
    // A placeholder a rule's allow pattern matched (`${TOKEN}`) is no secret: keep it.
    bool placeholder = f.suppression && f.suppression->kind == "rule-allow";
    if (!f.secret_is_path && !placeholder && !f.secret.reveal().empty()) {
      secrets.push_back(f.secret.reveal());
    }
  }
  SecretScrubber scrubber(std::move(secrets));

  for (Finding& f : findings) {
    set_dockerfile_lines(f, scope);
    f.remediation.clear();
    if (f.suppression) continue;
    f.remediation = steps_for(f, scope);
    for (RemediationStep& step : f.remediation) scrubber.scrub(step);
  }
}

}  // namespace strata
