#include <algorithm>
#include <cctype>
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

// The secret files one COPY sends, each with where it lands in the COPY's stage.
struct SentFiles {
  const DockerfileInstruction* copy = nullptr;
  std::map<std::string, std::string> in_stage;  // context path -> absolute path there
};

// The RUNs after `copy` in its stage that name the file (mvn -s settings.xml): the build reads
// it, so keeping it out of the context alone would break the build.
std::vector<const DockerfileInstruction*> readers_of(const Dockerfile& df,
                                                     const DockerfileInstruction& copy,
                                                     const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  std::vector<const DockerfileInstruction*> out;
  PlacedInstruction placed = instruction_at(df, copy.line);
  if (!placed.stage) return out;
  for (size_t i = placed.index + 1; i < placed.stage->instructions.size(); ++i) {
    const DockerfileInstruction& run = placed.stage->instructions[i];
    if (run.keyword == "RUN" && run.args.find(name) != std::string::npos) out.push_back(&run);
  }
  return out;
}

// A build secret's id for a file: settings.xml -> settings_xml.
std::string file_secret_id(const std::string& path) {
  std::string id = path.substr(path.rfind('/') + 1);
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return secret_id_for(id);
}

RemediationStep file_mount_step(const DockerfileInstruction& run, const std::string& path,
                                const std::string& mount) {
  RemediationStep step = fix_step("build-secret",
                                  "This RUN reads " + path +
                                      ": mount it as a build secret where it was copied, so "
                                      "the build still has it and the image does not",
                                  run.text);
  step.after = "RUN " + mount;
  for (const std::string& flag : run.flags) step.after += " " + flag;
  step.after += " " + run.args;
  step.command = "docker build --secret id=" + file_secret_id(path) + ",src=" + path + " .";
  return step;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::ranges::find(list, item) == list.end()) list.push_back(item);
}

// lint.copy-context-secret for one COPY, with its fix: .dockerignore entries, and secret mounts
// in the RUNs that read the files; advice only when the COPY names a secret file itself.
Finding copy_finding(const LintTarget& target, const SentFiles& sent, LintFixes* fixes) {
  const DockerfileInstruction& in = *sent.copy;
  std::set<std::string> paths;
  for (const auto& [path, in_stage] : sent.in_stage) paths.insert(ignore_entry_for(path));
  std::vector<std::string> entries(paths.begin(), paths.end());
  Finding f = lint_finding(kCopyContextSecretRule, in.text, in.line, target);
  if (names_a_path(target.dockerfile, in, paths)) {
    f.remediation.push_back(explicit_copy_step(paths));
    return f;
  }
  f.remediation.push_back(ignore_step(target, entries));
  for (const std::string& e : entries) {
    if (fixes) add_unique(fixes->ignore_entries, e);
  }
  for (const auto& [path, in_stage] : sent.in_stage) {
    std::string mount = "--mount=type=secret,id=" + file_secret_id(path) + ",target=" + in_stage;
    for (const DockerfileInstruction* run : readers_of(target.dockerfile, in, path)) {
      f.remediation.push_back(file_mount_step(*run, path, mount));
      if (fixes) add_unique(fixes->mounts[run->line], mount);
    }
  }
  return f;
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
  std::map<int, SentFiles> copied;
  for (const Finding& f : context_findings) {
    if (f.suppression) continue;
    for (const Location& l : f.locations) {
      std::string path = outer_path(l);
      // Blamed on the COPY that takes it from the context, where .dockerignore helps.
      if (std::optional<Landing> landing = final_landing(target.dockerfile, path)) {
        SentFiles& sent = copied[landing->origin->line];
        sent.copy = landing->origin;
        sent.in_stage[path] = landing->origin_path;
      }
    }
  }
  std::vector<Finding> out;
  for (const auto& [line, sent] : copied) out.push_back(copy_finding(target, sent, fixes));
  return out;
}

}  // namespace strata
