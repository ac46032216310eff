#include "lint_support.hpp"

#include <array>

#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

// Words of a name (split at '_', '-', '.') that make it a secret's name.
constexpr std::array<std::string_view, 12> kSecretWords = {
    "TOKEN",      "PASSWORD",    "PASSWD",     "PASS",       "SECRET", "APIKEY",
    "PASSPHRASE", "CREDENTIALS", "CREDENTIAL", "PRIVATEKEY", "AUTH",   "PAT"};
// A last word that names something about the secret rather than the secret.
constexpr std::array<std::string_view, 12> kNotSecretSuffixes = {
    "FILE", "PATH", "DIR", "ID", "NAME", "USER", "URL", "HOST", "PORT", "TYPE", "ENABLED", "MODE"};

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words(1);
  for (char c : to_upper(name)) {
    if (c == '_' || c == '-' || c == '.') {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back() += c;
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool contains(auto& list, std::string_view word) {
  for (std::string_view w : list) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::vector<std::string> words = name_words(name);
  if (words.empty() || contains(kNotSecretSuffixes, words.back())) return false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (contains(kSecretWords, words[i])) return true;
    // API_KEY, SECRET_KEY, PRIVATE_KEY, ACCESS_KEY: a key named by the word before it.
    bool key = words[i] == "KEY" && i > 0;
    if (key && (words[i - 1] == "API" || words[i - 1] == "PRIVATE" || words[i - 1] == "ACCESS" ||
                words[i - 1] == "SIGNING" || words[i - 1] == "ENCRYPTION")) {
      return true;
    }
  }
  return false;
}

RemediationStep fix_step(std::string kind, std::string text, std::string before) {
  RemediationStep step;
  step.kind = std::move(kind);
  step.text = std::move(text);
  step.before = std::move(before);
  return step;
}

Location dockerfile_location(const LintTarget& target, int line, std::string_view keyword) {
  Location l;
  l.kind = LocationKind::kConfig;
  l.fate.kind = FateKind::kNotInFilesystem;
  l.config_location =
      target.dockerfile_path + ":" + std::to_string(line) + " " + std::string(keyword);
  l.line = static_cast<uint64_t>(line);
  l.column = 1;
  l.dockerfile_line = line;
  return l;
}

Finding lint_finding(const std::string& rule_id, const std::string& what, int line,
                     const LintTarget& target) {
  Finding f;
  f.rule_id = rule_id;
  for (const Rule& r : lint_rules()) {
    if (r.id != rule_id) continue;
    f.rule_name = r.name;
    f.severity = r.severity;
    f.confidence = r.confidence;
  }
  f.secret = SecretValue(what);
  f.secret_is_path = true;
  std::string keyword = what.substr(0, what.find(' '));
  f.locations.push_back(dockerfile_location(target, line, keyword));
  return f;
}

std::vector<const DockerfileStage*> final_chain(const Dockerfile& df) {
  std::vector<const DockerfileStage*> chain;
  const DockerfileStage* stage = df.stages.empty() ? nullptr : &df.stages.back();
  while (stage && chain.size() <= df.stages.size()) {
    chain.push_back(stage);
    const DockerfileStage* parent = df.find_stage(stage->base);
    stage = parent && parent->index < stage->index ? parent : nullptr;
  }
  return chain;
}

PlacedInstruction instruction_at(const Dockerfile& df, int line) {
  for (const DockerfileStage& s : df.stages) {
    for (size_t i = 0; i < s.instructions.size(); ++i) {
      const DockerfileInstruction& in = s.instructions[i];
      if (in.line <= line && line <= std::max(in.line, in.end_line)) return {&s, &in, i};
    }
  }
  return {};
}

std::string secret_id_for(std::string_view name) { return to_lower(name); }

}  // namespace strata
