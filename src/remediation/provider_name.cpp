#include <array>
#include <cctype>

#include "strata/remediation/remediation.hpp"

namespace strata {

namespace {

// Categories that say what kind of credential a rule finds, not who issued it.
constexpr std::array<std::string_view, 34> kKindCategories = {"saas",
                                                              "cloud",
                                                              "payments",
                                                              "infra",
                                                              "observability",
                                                              "ai",
                                                              "ci",
                                                              "vcs",
                                                              "messaging",
                                                              "database",
                                                              "generic",
                                                              "private-key",
                                                              "mail",
                                                              "webhook",
                                                              "iot",
                                                              "secret-file",
                                                              "package-registry",
                                                              "crypto",
                                                              "analytics",
                                                              "pem",
                                                              "pgp",
                                                              "putty",
                                                              "age",
                                                              "jwt",
                                                              "http",
                                                              "url",
                                                              "jdbc",
                                                              "amqp",
                                                              "windows",
                                                              "netrc",
                                                              "psexec",
                                                              "django",
                                                              "dotnet",
                                                              "android"};

bool is_kind(std::string_view category) {
  for (std::string_view k : kKindCategories) {
    if (category == k) return true;
  }
  return false;
}

std::string letters_lower(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// The provider as the rule's name spells it ("GitHub" for "github"), else a readable form.
std::string spelled(const std::string& provider, std::string_view rule_name) {
  size_t pos = 0;
  while (pos < rule_name.size()) {
    size_t end = rule_name.find(' ', pos);
    if (end == std::string_view::npos) end = rule_name.size();
    std::string_view word = rule_name.substr(pos, end - pos);
    if (letters_lower(word) == provider) {
      while (!word.empty() && !std::isalnum(static_cast<unsigned char>(word.back()))) {
        word.remove_suffix(1);
      }
      return std::string(word);
    }
    pos = end + 1;
  }
  std::string out = provider;
  if (out.size() <= 3) {
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (!out.empty()) {
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  }
  return out;
}

}  // namespace

std::string provider_name(const Finding& finding, const RuleSet* rules) {
  const Rule* rule = rules ? rules->find(finding.rule_id) : nullptr;
  std::string name = rule && !rule->name.empty() ? rule->name : finding.rule_name;
  std::string prefix = finding.rule_id.substr(0, finding.rule_id.find('.'));
  if (rule) {
    // A category names the issuer only when the rule's id starts with it: "weak" or "react"
    // describe what a rule finds, and "github.token" is GitHub's.
    for (const std::string& category : rule->categories) {
      if (!is_kind(category) && letters_lower(category) == letters_lower(prefix)) {
        return spelled(letters_lower(category), name);
      }
    }
    return "";
  }
  // No rule set: the id's first part names the provider for provider rules.
  if (prefix.empty() || prefix == "generic" || prefix == "file" || prefix == "private-key" ||
      prefix == "private") {
    return "";
  }
  return spelled(letters_lower(prefix), name);
}

}  // namespace strata
