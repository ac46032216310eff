#include "strata/remediation/step_mapping.hpp"

#include <algorithm>

#include "history_instruction.hpp"

namespace strata {

namespace {

std::string trim_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.starts_with("./") && path.size() > 2) path = path.substr(2);
  return path;
}

bool same_names(const DockerfileInstruction& in, const HistoryStep& h) {
  bool legacy = in.keyword == "ENV";
  std::vector<std::string> wanted = assigned_names(in.args, legacy);
  std::vector<std::string> recorded = assigned_names(h.body, legacy);
  if (wanted.empty()) return false;
  // buildah lists every ARG declared so far in each ARG entry: the new ones must be there.
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& name) {
    return std::find(recorded.begin(), recorded.end(), name) != recorded.end();
  });
}

bool same_destination(const DockerfileInstruction& in, const HistoryStep& h) {
  if (in.exec_form() || in.heredoc) return true;
  std::string wanted = copy_destination(in.args);
  std::string recorded = h.classic_copy.content != CopiedContent::kNone ? h.classic_copy.destination
                                                                        : copy_destination(h.body);
  // A variable in the destination may be recorded expanded: the keyword has to do.
  if (wanted.find('$') != std::string::npos) return true;
  return !wanted.empty() && trim_slashes(wanted) == trim_slashes(recorded);
}

bool same_command(const DockerfileInstruction& in, const HistoryStep& h) {
  if (in.exec_form() || in.heredoc) return true;
  return collapse_whitespace(in.args) == collapse_whitespace(h.body);
}

bool matches(const DockerfileInstruction& in, const HistoryEntry& entry) {
  HistoryStep h = parse_history_step(entry.created_by);
  if (h.keyword != in.keyword) return false;
  if (in.keyword == "RUN") return same_command(in, h);
  if (in.keyword == "COPY" || in.keyword == "ADD") return same_destination(in, h);
  if (in.keyword == "ENV" || in.keyword == "ARG") return same_names(in, h);
  return true;
}

}  // namespace

std::vector<const DockerfileInstruction*> final_stage_chain(const Dockerfile& dockerfile) {
  std::vector<const DockerfileStage*> stages;
  const DockerfileStage* stage = dockerfile.stages.empty() ? nullptr : &dockerfile.stages.back();
  while (stage) {
    stages.push_back(stage);
    const DockerfileStage* parent = dockerfile.find_stage(stage->base);
    // Only an earlier stage can be a base; otherwise the name is an image's.
    stage = parent && parent->index < stage->index ? parent : nullptr;
  }
  std::vector<const DockerfileInstruction*> out;
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    for (const DockerfileInstruction& in : (*it)->instructions) out.push_back(&in);
  }
  return out;
}

StepMapping map_history_to_dockerfile(const std::vector<HistoryEntry>& history,
                                      const Dockerfile& dockerfile) {
  StepMapping mapping;
  mapping.instruction.assign(history.size(), nullptr);
  std::vector<const DockerfileInstruction*> chain = final_stage_chain(dockerfile);
  if (chain.empty() || chain.size() > history.size()) return mapping;
  size_t offset = history.size() - chain.size();
  for (size_t k = 0; k < chain.size(); ++k) {
    if (!matches(*chain[k], history[offset + k])) return mapping;
  }
  for (size_t k = 0; k < chain.size(); ++k) mapping.instruction[offset + k] = chain[k];
  mapping.mapped = true;
  return mapping;
}

}  // namespace strata
