#include "history_instruction.hpp"

namespace strata {

std::string copy_destination(std::string_view args) {
  std::vector<std::string> words = split_words(trim(args));
  return words.empty() ? "" : words.back();
}

std::vector<std::string> assigned_names(std::string_view args, bool legacy_single_pair) {
  std::vector<std::string> names;
  std::vector<std::string> words = split_words(args);
  if (words.empty()) return names;
  if (legacy_single_pair && words[0].find('=') == std::string::npos) {
    names.push_back(words[0]);  // "ENV NAME value with spaces"
    return names;
  }
  for (const std::string& w : words) {
    std::string name = w.substr(0, w.find('='));
    if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') &&
        name.back() == name.front()) {
      name = name.substr(1, name.size() - 2);  // LABEL "key"=value
    }
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::string assigned_value(std::string_view args, std::string_view name) {
  std::vector<std::string> words = split_words(args);
  if (words.size() >= 2 && words[0] == name && words[0].find('=') == std::string::npos) {
    std::string_view rest = trim(args);
    return std::string(trim(rest.substr(name.size())));  // legacy "ENV NAME value"
  }
  for (const std::string& w : words) {
    size_t eq = w.find('=');
    if (eq == std::string::npos || std::string_view(w).substr(0, eq) != name) continue;
    std::string value = w.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return "";
}

}  // namespace strata
