// Which Dockerfile instruction made each history step of an image.
//
// History lists the base image's steps first, then one entry per instruction of the build
// (FROM has none; BuildKit, buildah and the classic builder all record ARG, ENV, WORKDIR,
// COPY, RUN, CMD, … as entries, empty_layer or not; squashed builds keep every entry). So the
// final stage's instructions — after those of the stages it is built FROM — are the history's
// tail. Each pair is checked (keyword; RUN command; COPY/ADD destination; ENV and ARG names):
// one disagreement and nothing is mapped, since a guess would point people at the wrong line.
//
//   StepMapping m = map_history_to_dockerfile(image.history, dockerfile);
//   if (m.mapped) int line = m.instruction[step]->line;
//
// Thread safety: pure function. The pointers point into `dockerfile`.
#pragma once

#include <vector>

#include "strata/dockerfile/dockerfile.hpp"
#include "strata/image/image.hpp"

namespace strata {

struct StepMapping {
  bool mapped = false;
  // One per history entry: the instruction that made it, nullptr for base-image steps (or
  // every step when nothing is mapped).
  std::vector<const DockerfileInstruction*> instruction;

  const DockerfileInstruction* at(int step) const {
    return step >= 0 && step < static_cast<int>(instruction.size()) ? instruction[step] : nullptr;
  }
};

StepMapping map_history_to_dockerfile(const std::vector<HistoryEntry>& history,
                                      const Dockerfile& dockerfile);

// The instructions whose steps land in the image: the final stage's, after those of the stages
// it is built FROM (in order).
std::vector<const DockerfileInstruction*> final_stage_chain(const Dockerfile& dockerfile);

}  // namespace strata
