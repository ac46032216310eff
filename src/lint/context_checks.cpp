#include <algorithm>
#include <set>

#include "context_landings.hpp"
#include "copy_checks.hpp"

namespace strata {

namespace {

// The context path a finding's location names: a nested archive's outer file.
std::string outer_path(const Location& l) { return l.path.substr(0, l.path.find("!/")); }

// The .dockerignore entry that keeps `path` out: a .git directory as a whole.
std::string ignore_entry_for(const std::string& path) {
  if (path == ".git" || path.starts_with(".git/")) return ".git";
  if (size_t git = path.find("/.git/"); git != std::string::npos) return path.substr(0, git + 5);
  return path;
}

RemediationStep ignore_step(const LintTarget& target, const std::vector<std::string>& entries) {
  RemediationStep step;
  step.kind = "dockerignore";
  step.text = target.ignore_path
                  ? "Add these entries to " + *target.ignore_path + " so the build never sends them"
                  : "There is no .dockerignore: create one with these entries (and whatever else "
                    "the image does not need) so the build never sends them";
  step.lines = entries;
  return step;
}

// COPY .env . copies the secret on purpose: ignoring the file would break the build.
bool names_a_path(const Dockerfile& df, const DockerfileInstruction& in,
                  const std::set<std::string>& paths) {
  for (const std::string& source : copy_sources(df, in)) {
    for (const std::string& p : paths) {
      if (names_path(source, p)) return true;
    }
  }
  return false;
}

RemediationStep explicit_copy_step(const std::set<std::string>& paths) {
  RemediationStep step = fix_step("build-secret-file",
                                  "This COPY names the secret file itself: drop it, and mount the "
                                  "file as a build secret in the RUN that needs it "
                                  "(RUN --mount=type=secret,id=…,target=…) or give it at run time");
  step.lines.assign(paths.begin(), paths.end());
  return step;
}

}  // namespace

void keep_sent_files(ScanReport& context_report, const LintTarget& target) {
  for (Finding& f : context_report.findings) {
    std::erase_if(f.locations, [&](Location& l) {
      if (target.ignore.excludes(outer_path(l))) return true;
      std::optional<Landing> landing = final_landing(target.dockerfile, outer_path(l));
      if (landing) l.dockerfile_line = landing->entry->line;
      return !landing;
    });
  }
  std::erase_if(context_report.findings, [](const Finding& f) { return f.locations.empty(); });
}

std::vector<Finding> lint_context(const LintTarget& target,
                                  const std::vector<Finding>& context_findings, LintFixes* fixes) {
  // By line, so the fixes come in the Dockerfile's order.
  std::map<int, std::pair<const DockerfileInstruction*, std::set<std::string>>> copied;
  for (const Finding& f : context_findings) {
    if (f.suppression) continue;
    for (const Location& l : f.locations) {
      std::string path = outer_path(l);
      // Blamed on the COPY that takes it from the context, where .dockerignore helps.
      if (std::optional<Landing> landing = final_landing(target.dockerfile, path)) {
        const DockerfileInstruction* in = landing->origin;
        copied[in->line].first = in;
        copied[in->line].second.insert(ignore_entry_for(path));
      }
    }
  }
  std::vector<Finding> out;
  for (const auto& [line, copy] : copied) {
    const auto& [in, paths] = copy;
    std::vector<std::string> entries(paths.begin(), paths.end());
    Finding f = lint_finding(kCopyContextSecretRule, in->text, in->line, target);
    bool named = names_a_path(target.dockerfile, *in, paths);
    f.remediation.push_back(named ? explicit_copy_step(paths) : ignore_step(target, entries));
    out.push_back(std::move(f));
    if (!fixes || named) continue;
    for (const std::string& e : entries) {
      if (std::ranges::find(fixes->ignore_entries, e) == fixes->ignore_entries.end()) {
        fixes->ignore_entries.push_back(e);
      }
    }
  }
  return out;
}

}  // namespace strata
