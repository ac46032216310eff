// `strata lint`: the leaks a Dockerfile and its build context will put into an image, found
// before the build. A LintTarget is the Dockerfile (parsed), its lines, the build context and
// the .dockerignore the build would read. The checks return ordinary Findings (rule ids
// `lint.*`, listed by lint_rules()), located at the Dockerfile line, each with its fix:
//
//   auto target = load_lint_target("Dockerfile", ".");           // Result<LintTarget>
//   std::vector<Finding> found = lint_dockerfile(*target, engine); // ARG/ENV, text, COPY --from
//   keep_sent_files(context_report, *target);   // a scan of the context, cut to what is sent
//   auto copies = lint_context(*target, context_report.findings);  // broad COPY of those files
//
// The context itself is scanned by the caller with the same engine as `strata scan DIR`.
// Thread safety: pure functions over immutable inputs. Errors: load_lint_target fails for a
// Dockerfile that cannot be read or parsed and for a malformed .dockerignore, naming the file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "strata/dockerfile/dockerfile.hpp"
#include "strata/dockerfile/dockerignore.hpp"
#include "strata/findings/finding.hpp"
#include "strata/findings/scan_report.hpp"
#include "strata/match/match_engine.hpp"
#include "strata/rules/rule.hpp"

namespace strata {

struct LintTarget {
  std::string dockerfile_path;  // as given
  Dockerfile dockerfile;
  std::vector<std::string> lines;          // the Dockerfile's text lines, for rewrites
  std::string context;                     // the build context directory
  std::optional<std::string> ignore_path;  // the .dockerignore read (nullopt: none)
  DockerIgnore ignore;
};

Result<LintTarget> load_lint_target(const std::string& dockerfile, const std::string& context);

// The rewrites the fixes make, gathered by the checks: instructions to delete (by their first
// line), mount flags to insert after a RUN keyword and shell commands before its command, and
// .dockerignore entries to add.
struct LintFixes {
  std::set<int> deleted;                             // instruction lines
  std::map<int, std::vector<std::string>> mounts;    // RUN line -> "--mount=type=secret,…"
  std::map<int, std::vector<std::string>> commands;  // RUN line -> "export X=…" (then &&)
  std::vector<std::string> ignore_entries;
};

// The lint rules (built in, no patterns), for `strata rules list` and reports.
std::vector<Rule> lint_rules();

// Secrets in the Dockerfile: ARG and ENV with secret names or values, secret values anywhere
// in its text (through `engine`), ADD URLs with credentials, COPY --from of a whole stage tree.
std::vector<Finding> lint_dockerfile(const LintTarget& target, const MatchEngine& engine,
                                     LintFixes* fixes = nullptr);

// Keeps the findings and locations of a context scan in files the build sends (.dockerignore)
// and a COPY/ADD of the final image copies, each pointed at that COPY/ADD's line. A secret
// file the image never gets is no leak of the image.
void keep_sent_files(ScanReport& context_report, const LintTarget& target);

// The broad COPY/ADD of the final image that copy the secret files `context_findings` found
// (lint.copy-context-secret), with the .dockerignore entries that keep them out.
std::vector<Finding> lint_context(const LintTarget& target,
                                  const std::vector<Finding>& context_findings,
                                  LintFixes* fixes = nullptr);

// The dependency directories and caches of the context (node_modules, .venv, __pycache__,
// .gradle, …) that the build sends and a COPY/ADD carries into the final image
// (lint.copy-dependency-cache), with the .dockerignore entries that keep them out. Lists the
// context's directories (not inside those .dockerignore prunes or the caches themselves).
std::vector<Finding> lint_dependency_caches(const LintTarget& target, LintFixes* fixes = nullptr);

// --fix: a unified diff (`git apply` accepts it; paths relative to the current directory) that
// makes the rewrites: the Dockerfile's and a new or extended .dockerignore. "" when none.
std::string fix_patch(const LintTarget& target, const LintFixes& fixes);

}  // namespace strata
