#include "text_checks.hpp"

#include <regex>

namespace strata {

namespace {

// What to do about a secret written in an instruction of this keyword.
RemediationStep text_fix(const std::string& keyword) {
  if (keyword == "ARG") {
    return fix_step("build-secret",
                    "Drop the default value: pass the secret with docker build --secret and "
                    "mount it in the RUN that needs it (RUN --mount=type=secret,…).");
  }
  if (keyword == "ENV") {
    return fix_step("runtime-env",
                    "Do not bake the value into the image: give it when the container starts.");
  }
  return fix_step("build-secret",
                  "Take the secret out of the Dockerfile: pass it with docker build --secret and "
                  "mount it where it is needed (or at run time for CMD, LABEL, HEALTHCHECK).");
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

}  // namespace

void check_text(const LintTarget& target, const MatchEngine& engine, std::vector<Finding>& out) {
  FileScanner scanner(engine);
  for (const SecretMatch& m : scanner.scan(joined(target.lines))) {
    if (m.suppressed()) continue;
    const Rule& rule = engine.rules().rules[m.rule_index];
    PlacedInstruction placed = instruction_at(target.dockerfile, static_cast<int>(m.line));
    std::string keyword = placed.instruction ? placed.instruction->keyword : "comment";
    Finding f;
    f.rule_id = rule.id;
    f.rule_name = rule.name;
    f.severity = rule.severity;
    f.confidence = rule.confidence;
    f.checksum = m.checksum;
    f.secret = SecretValue(m.secret);
    Location l = dockerfile_location(target, static_cast<int>(m.line), keyword);
    if (placed.instruction) l.dockerfile_line = placed.instruction->line;
    l.column = m.column;
    l.offset = m.secret_start;
    f.locations.push_back(std::move(l));
    f.remediation = {text_fix(keyword),
                     fix_step("rotate", "Rotate the secret: it is in the Dockerfile.")};
    out.push_back(std::move(f));
  }
}

void check_add_urls(const LintTarget& target, std::vector<Finding>& out) {
  static const std::regex kUserInfo(R"(^[A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:([^/@]+)@)");
  for (const DockerfileStage& stage : target.dockerfile.stages) {
    for (const DockerfileInstruction& in : stage.instructions) {
      if (in.keyword != "ADD") continue;
      for (const std::string& word : in.words()) {
        std::smatch m;
        if (!std::regex_search(word, m, kUserInfo)) continue;
        Finding f = lint_finding(kAddUrlCredentialsRule, "ADD", in.line, target);
        f.secret = SecretValue(m[1].str());
        f.secret_is_path = false;
        f.remediation = {
            fix_step("build-secret",
                     "Download it in a RUN that mounts the credentials as a build secret "
                     "(RUN --mount=type=secret,id=netrc,target=/root/.netrc curl -fnO URL) "
                     "instead of putting them in the URL."),
            fix_step("rotate", "Rotate the password: it is in the Dockerfile.")};
        out.push_back(std::move(f));
      }
    }
  }
}

}  // namespace strata
