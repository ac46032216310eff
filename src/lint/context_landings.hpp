// Where the build puts a file of the build context: the COPY/ADD that takes it from the context
// into some stage, then every COPY --from and FROM <stage> that carries it on, stage by stage,
// to the final image. `COPY . .` in a builder followed by `COPY --from=build /app /app` puts the
// builder's copy of .env into the runtime image as surely as a COPY in the final stage does.
//
//   auto landing = final_landing(df, ".env");   // optional<Landing>
//   if (landing) blame(landing->entry->line);    // the line that put it into the final image
//
// Paths follow Docker's rules: a directory source copies its contents into the destination, a
// file source lands at destination/name (or the destination itself when it names a file), a
// relative destination is under the stage's WORKDIR, a COPY --from source is a path from the
// source stage's root. Thread safety: pure functions. Errors: none (what cannot be followed,
// e.g. a stage named by a variable, is not followed).
#pragma once

#include <optional>
#include <string>

#include "strata/dockerfile/dockerfile.hpp"

namespace strata {

struct Landing {
  std::string path;                               // absolute, in the final image
  const DockerfileInstruction* origin = nullptr;  // the COPY/ADD that took it from the context
  std::string origin_path;                        // where that put it, in its stage
  const DockerfileInstruction* entry = nullptr;   // the one that put it into the final image
};

// Where context file `path` ('/'-separated, relative to the context) lands in the final image
// (the first of several places); nullopt when no COPY/ADD carries it there.
std::optional<Landing> final_landing(const Dockerfile& df, const std::string& path);

// Whether the file a stage holds at absolute `path` (a RUN wrote it) gets into the final image:
// the stage is the final one, or FROM <stage> and COPY --from carry it there.
bool reaches_final_image(const Dockerfile& df, const DockerfileStage& stage,
                         const std::string& path);

}  // namespace strata
