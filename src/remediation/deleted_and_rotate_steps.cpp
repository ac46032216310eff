// Why deleting a file in a later layer does not remove it, and rotating the credential.
#include "remediation_steps.hpp"

namespace strata {

namespace {

constexpr size_t kMaxCommandShown = 120;

// "by history step 12 (`rm -f /app/id_rsa`)" for the step that made layer `layer`.
std::string changing_step(const RemediationScope& scope, const Location& l, int layer) {
  const ImageView* v = scope.view_for(l);
  if (!v || layer < 0 || layer >= static_cast<int>(v->image->layers.size())) return "";
  const LayerInfo& info = v->image->layers[layer];
  if (!info.history_last || info.history_first != info.history_last) return "";
  const HistoryEntry* entry = scope.history_entry(l, *info.history_last);
  if (!entry || *info.history_last >= static_cast<int>(v->instructions.size())) return "";
  const HistoryStep& h = v->instructions[*info.history_last];
  std::string shown =
      h.keyword == "RUN" ? h.body : recorded_instruction(scope.window(entry->created_by));
  const DockerfileInstruction* in = v->mapping.mapped ? v->mapping.at(*info.history_last) : nullptr;
  return " by history step " + std::to_string(*info.history_last) + line_suffix(in) + " (`" +
         scope.shortened(shown, kMaxCommandShown) + "`)";
}

}  // namespace

void add_deleted_file_steps(const Finding& f, const RemediationScope& scope, bool has_fix,
                            std::vector<RemediationStep>& out) {
  const Location* first = nullptr;
  size_t count = 0;
  for (const Location& l : f.locations) {
    if (l.kind != LocationKind::kLayerFile || l.fate.kind == FateKind::kPresent ||
        l.fate.kind == FateKind::kNotInFilesystem) {
      continue;
    }
    if (!first) first = &l;
    ++count;
  }
  if (!first) return;
  const Location& l = *first;
  std::string path = resolve_path("/", l.path);
  std::string layer = std::to_string(l.layer_index);
  int changed = l.fate.changed_in.value_or(-1);
  std::string how = l.fate.kind == FateKind::kDeleted       ? "deleted"
                    : l.fate.kind == FateKind::kOverwritten ? "overwritten"
                                                            : "hidden by an opaque directory";
  RemediationStep step;
  step.kind = "deleted-file";
  step.text = path + " is " + how +
              (changed >= 0 ? " in layer " + std::to_string(changed) : std::string()) +
              changing_step(scope, l, changed) + ", but layer " + layer +
              " still holds it: layers are immutable archives, and a later layer only hides "
              "the file (a whiteout entry) or adds a new copy. Anyone who can pull the image "
              "can extract layer " +
              layer + " and read it (docker save, or any registry client).";
  if (count > 1) {
    step.text += " The same holds for the other " + std::to_string(count - 1) + " place(s) listed.";
  }
  if (has_fix) {
    step.text += " Keep it out of every layer instead, as the next step shows.";
  } else {
    step.text +=
        " Keep it out of every layer instead: do the work that needs it in one RUN "
        "that mounts it as a build secret (RUN --mount=type=secret,id=…,target=" +
        path +
        "), or in a build stage, copying only the result into the final stage "
        "(COPY --from=<stage> <result> <dest>).";
  }
  out.push_back(std::move(step));
}

RemediationStep rotate_step(const Finding& f, const RemediationScope& scope) {
  RemediationStep step;
  step.kind = "rotate";
  std::string provider = provider_name(f, scope.ctx->rules);
  std::string name = f.rule_name.empty() ? f.rule_id : f.rule_name;
  std::string after_leak =
      " Removing it from the image does not undo the leak: anyone who "
      "pulled the image or its layers has it. Then rebuild, republish, and "
      "delete the old tags.";
  std::string id = to_lower(f.rule_id);
  bool key_pair = id.find("private-key") != std::string::npos ||
                  id.find("ssh") != std::string::npos || id.starts_with("putty.");
  if (key_pair) {
    step.text =
        "Replace the key pair: generate a new key and remove the old public key "
        "wherever it is trusted (authorized_keys, deploy keys, certificates)." +
        after_leak;
  } else if (f.secret_is_path) {
    step.text = "Rotate every credential " + f.secret.reveal() +
                " holds: revoke each at its issuer and issue new ones." + after_leak;
  } else if (!provider.empty()) {
    step.text = "Rotate the credential: revoke this " + name + " at " + provider +
                " and issue a new one." + after_leak;
  } else {
    step.text = "Rotate the credential: revoke this " + name +
                " wherever it was issued and issue a new one." + after_leak;
  }
  return step;
}

}  // namespace strata
