// What the lint checks share: their findings' shape, secret-looking names, the stages that
// make the final image, and which instruction holds a line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/findings/finding.hpp"
#include "strata/lint/lint.hpp"

namespace strata {

inline constexpr const char* kArgSecretRule = "lint.arg-secret";
inline constexpr const char* kEnvSecretRule = "lint.env-secret";
inline constexpr const char* kCopyContextSecretRule = "lint.copy-context-secret";
inline constexpr const char* kCopyWholeStageRule = "lint.copy-from-whole-stage";
inline constexpr const char* kAddUrlCredentialsRule = "lint.add-url-credentials";
inline constexpr const char* kCopyCredentialsRule = "lint.copy-credentials-from-stage";
inline constexpr const char* kCopyCacheRule = "lint.copy-dependency-cache";

// A finding of lint rule `rule_id` about `what` (an instruction or a name: not a secret, shown
// as is), located at the Dockerfile line.
Finding lint_finding(const std::string& rule_id, const std::string& what, int line,
                     const LintTarget& target);

RemediationStep fix_step(std::string kind, std::string text, std::string before = "");

// A location at a Dockerfile line ("Dockerfile:12 ARG"), in the image configuration's place.
Location dockerfile_location(const LintTarget& target, int line, std::string_view keyword);

// ARG/ENV names that hold secrets by their name: NPM_TOKEN, DB_PASSWORD, API_KEY, …; not
// their paths, ids or names (NPM_TOKEN_FILE, AWS_ACCESS_KEY_ID, GPG_KEY fingerprints).
bool is_secret_name(std::string_view name);

// The final stage and the stages it is built FROM, final first.
std::vector<const DockerfileStage*> final_chain(const Dockerfile& df);

// The instruction whose lines include `line`, with its stage; nullptr when none.
struct PlacedInstruction {
  const DockerfileStage* stage = nullptr;
  const DockerfileInstruction* instruction = nullptr;
  size_t index = 0;  // in stage->instructions
};
PlacedInstruction instruction_at(const Dockerfile& df, int line);

// "build-secret id" for a variable name: NPM_TOKEN -> npm_token.
std::string secret_id_for(std::string_view name);

}  // namespace strata
