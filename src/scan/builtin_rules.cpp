#include "strata/scan/builtin_rules.hpp"

#include "secret_files.hpp"

namespace strata {

std::vector<Rule> builtin_rules() {
  std::vector<Rule> out;
  auto add = [&](const char* id, const char* name, Severity severity, const char* description,
                 std::vector<std::string> categories) {
    Rule r;
    r.id = id;
    r.name = name;
    r.severity = severity;
    r.description = description;
    r.confidence = Confidence::kMedium;
    r.builtin = true;
    r.secret_group.clear();
    r.categories = std::move(categories);
    r.source_file = "(built in)";
    out.push_back(std::move(r));
  };
  for (const SecretFileRule* f : secret_file_rules()) {
    add(f->id, f->name, f->severity, f->description, {"secret-file"});
  }
  add("docker.registry-login", "Docker registry login (base64 auth)", Severity::kHigh,
      "A user:password pair for a container registry, base64-encoded in the auths of a "
      ".docker/config.json. Mount the config as a build secret instead and rotate the password.",
      {"package-registry", "docker"});
  return out;
}

void add_builtin_rules(RuleSet& rules) {
  for (Rule& r : builtin_rules()) {
    if (!rules.find(r.id)) rules.rules.push_back(std::move(r));
  }
}

}  // namespace strata
