// The step builders, one per kind of leak; add_remediation calls them in the order the steps
// are shown (why a deleted file stays, the fixes, "rotate" last).
#pragma once

#include <vector>

#include "remediation_support.hpp"

namespace strata {

inline constexpr size_t kMaxStepsPerKind = 3;

// "deleted-file": a layer file that a later layer deleted, overwrote or hid.
void add_deleted_file_steps(const Finding& f, const RemediationScope& scope, bool has_fix,
                            std::vector<RemediationStep>& out);
// "build-secret" / "build-secret-file": build args, and values written literally in a RUN.
void add_build_arg_steps(const Finding& f, const RemediationScope& scope,
                         std::vector<RemediationStep>& out);
void add_literal_run_steps(const Finding& f, const RemediationScope& scope,
                           std::vector<RemediationStep>& out);
// "runtime-env": ENV.
void add_env_steps(const Finding& f, const RemediationScope& scope,
                   std::vector<RemediationStep>& out);
// "dockerignore" and "copy-from": files that COPY or ADD brought in.
void add_copied_file_steps(const Finding& f, const RemediationScope& scope,
                           std::vector<RemediationStep>& out);
// "rotate".
RemediationStep rotate_step(const Finding& f, const RemediationScope& scope);

}  // namespace strata
