#include "shell_command.hpp"

#include <cctype>

#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string unquote(std::string word) {
  if (word.size() >= 2 && (word.front() == '"' || word.front() == '\'') &&
      word.back() == word.front()) {
    return word.substr(1, word.size() - 2);
  }
  return word;
}

// The last `>`/`>>` target outside quotes; fd duplications (`>&2`, `2>&1`) and /dev/* skipped.
std::string redirect_target(std::string_view text) {
  std::string target;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c != '>') continue;
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '>' || text[j] == '|')) ++j;
    if (j < text.size() && text[j] == '&') {
      i = j;
      continue;
    }
    while (j < text.size() && is_space(text[j])) ++j;
    size_t start = j;
    char word_quote = 0;
    while (j < text.size() &&
           (word_quote || (!is_space(text[j]) && text[j] != ';' && text[j] != '&' &&
                           text[j] != '|' && text[j] != '>' && text[j] != '<'))) {
      if (word_quote && text[j] == word_quote) {
        word_quote = 0;
      } else if (!word_quote && (text[j] == '"' || text[j] == '\'')) {
        word_quote = text[j];
      }
      ++j;
    }
    std::string word = unquote(std::string(text.substr(start, j - start)));
    if (!word.empty() && !word.starts_with("/dev/")) target = word;
    i = j > i ? j - 1 : i;
  }
  return target;
}

}  // namespace

ShellCommand split_shell_command(std::string_view command) {
  ShellCommand out;
  std::string current;
  char quote = 0;
  auto finish = [&](std::string separator) {
    ShellSegment s;
    s.text = std::string(trim(current));
    s.separator = std::move(separator);
    s.redirect_target = redirect_target(s.text);
    out.segments.push_back(std::move(s));
    current.clear();
  };
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      current += c;
      if (c == '\\' && quote == '"' && i + 1 < command.size()) {
        current += command[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      current += c;
      continue;
    }
    if (c == '\\' && i + 1 < command.size()) {
      current += c;
      current += command[++i];
      continue;
    }
    std::string_view rest = command.substr(i);
    bool after_redirect = !current.empty() && current.back() == '>';  // `>|` is a redirect
    if (rest.starts_with("&&") || rest.starts_with("||")) {
      finish(std::string(rest.substr(0, 2)));
      ++i;
    } else if (c == ';' || (c == '|' && !after_redirect)) {
      finish(std::string(1, c));
    } else {
      current += c;
    }
  }
  finish("");
  return out;
}

bool uses_variable(std::string_view text, std::string_view name) {
  if (name.empty()) return false;
  for (size_t pos = text.find('$'); pos != std::string_view::npos; pos = text.find('$', pos + 1)) {
    std::string_view rest = text.substr(pos + 1);
    if (rest.starts_with('{')) rest.remove_prefix(1);
    if (!rest.starts_with(name)) continue;
    if (rest.size() == name.size() || !is_name_char(rest[name.size()])) return true;
  }
  return false;
}

std::string without_segment(const ShellCommand& command, size_t index, bool& ok) {
  if (index >= command.segments.size()) {
    ok = false;
    return "";
  }
  return without_segments(command, {index}, ok);
}

std::string without_segments(const ShellCommand& command, const std::set<size_t>& indices,
                             bool& ok) {
  ok = true;
  for (size_t i = 0; i + 1 < command.segments.size(); ++i) {
    const std::string& sep = command.segments[i].separator;
    if (sep != "&&" && sep != ";") ok = false;
  }
  if (!ok) return "";
  bool all_and = true;
  for (size_t i = 0; i + 1 < command.segments.size(); ++i) {
    all_and = all_and && command.segments[i].separator == "&&";
  }
  std::string out;
  for (size_t i = 0; i < command.segments.size(); ++i) {
    if (indices.contains(i) || command.segments[i].text.empty()) continue;
    if (!out.empty()) out += all_and ? " && " : "; ";
    out += command.segments[i].text;
  }
  return out;
}

}  // namespace strata
