#include "lint_support.hpp"

namespace strata {

namespace {

Rule lint_rule(const char* id, const char* name, Severity severity, const char* description) {
  Rule r;
  r.id = id;
  r.name = name;
  r.severity = severity;
  r.description = description;
  r.confidence = Confidence::kMedium;
  r.builtin = true;
  r.secret_group.clear();
  r.categories = {"dockerfile"};
  r.source_file = "(built in: strata lint)";
  return r;
}

}  // namespace

std::vector<Rule> lint_rules() {
  return {
      lint_rule(kArgSecretRule, "Secret passed as a build arg", Severity::kHigh,
                "An ARG whose name or default value is a secret: every RUN after it records its "
                "value in the image history. Mount it as a build secret instead "
                "(RUN --mount=type=secret,id=…,env=…) and pass it with docker build --secret."),
      lint_rule(kEnvSecretRule, "Secret stored in ENV", Severity::kHigh,
                "An ENV whose name holds a secret and that is given a value: the value is in the "
                "image configuration for anyone who pulls the image. Give it at run time."),
      lint_rule(kCopyContextSecretRule, "COPY sends secret files of the build context",
                Severity::kHigh,
                "A broad COPY or ADD (COPY . .) copies secret files of the build context that "
                ".dockerignore does not exclude into the image. Add them to .dockerignore."),
      lint_rule(kCopyWholeStageRule, "COPY --from copies a whole build stage", Severity::kMedium,
                "COPY --from=<stage> of the stage's whole tree brings its sources, tests, .git "
                "and credentials into the runtime image. Copy only the build outputs."),
      lint_rule(kCopyCredentialsRule, "COPY --from copies a credentials file", Severity::kHigh,
                "COPY --from=<stage> of a .npmrc, .pypirc, .netrc, .git-credentials, "
                ".docker/config.json, SSH key or .env puts the builder's credentials into the "
                "runtime image. Mount them as build secrets in the builder instead."),
      lint_rule(kCopyCacheRule, "COPY sends dependency directories or caches", Severity::kMedium,
                "A broad COPY or ADD sends node_modules, .venv, __pycache__, .gradle, .m2 or "
                "another dependency directory or cache of the build machine into the image: "
                "binaries built for another system, stale files, sometimes registry "
                "credentials. Add it to .dockerignore; the build installs what it needs."),
      lint_rule(kAddUrlCredentialsRule, "ADD of a URL with credentials", Severity::kHigh,
                "ADD https://user:password@host/… records the credentials in the image history. "
                "Fetch it in a RUN with a secret mount instead."),
  };
}

}  // namespace strata
