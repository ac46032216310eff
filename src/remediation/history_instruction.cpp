#include "history_instruction.hpp"

#include <array>
#include <cctype>

#include "strata/image/image_config.hpp"

namespace strata {

namespace {

constexpr std::string_view kNop = "#(nop)";
constexpr std::string_view kBuildkitSuffix = " # buildkit";

constexpr std::array<std::string_view, 18> kKeywords = {
    "ADD",        "ARG",     "CMD", "COPY",  "ENTRYPOINT", "ENV",  "EXPOSE", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",     "FROM"};

bool is_keyword(std::string_view word) {
  for (std::string_view k : kKeywords) {
    if (word == k) return true;
  }
  return false;
}

// "/bin/sh -c cmd" or "/bin/bash -o pipefail -c cmd" -> "cmd" (the SHELL may differ).
std::string_view strip_shell(std::string_view command) {
  if (!command.starts_with('/')) return command;
  size_t c = command.substr(0, 80).find(" -c ");
  return c == std::string_view::npos ? command : command.substr(c + 4);
}

void split_keyword(std::string_view text, HistoryInstruction& out) {
  text = trim(text);
  size_t space = text.find(' ');
  out.keyword = std::string(text.substr(0, space));
  out.body = space == std::string_view::npos ? "" : std::string(trim(text.substr(space + 1)));
}

void set_run_body(std::string_view created_by, HistoryInstruction& out) {
  ParsedStep step = parse_history_step(created_by);
  std::string_view command = trim(strip_shell(trim(step.command)));
  // buildah records the RUN options ahead of the command.
  while (command.starts_with("--")) {
    size_t space = command.find(' ');
    out.flags.emplace_back(command.substr(0, space));
    command = space == std::string_view::npos ? std::string_view() : trim(command.substr(space));
  }
  out.keyword = "RUN";
  out.body = std::string(command);
}

}  // namespace

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::string current;
  char quote = 0;
  bool in_word = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      current += c;
      if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        current += s[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (is_space(c)) {
      if (in_word) words.push_back(std::move(current));
      current.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    current += c;
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '\\' && i + 1 < s.size()) {
      current += s[++i];
    }
  }
  if (in_word) words.push_back(std::move(current));
  return words;
}

HistoryInstruction classify_history(std::string_view created_by) {
  HistoryInstruction out;
  std::string_view text = trim(created_by);
  if (text.ends_with(kBuildkitSuffix)) {
    text.remove_suffix(kBuildkitSuffix.size());
    out.buildkit = true;
  }
  if (size_t nop = text.find(kNop); nop != std::string_view::npos && nop < 24) {
    split_keyword(text.substr(nop + kNop.size()), out);
    return out;
  }
  size_t space = text.find(' ');
  std::string_view first = text.substr(0, space);
  if (first == "RUN") {
    set_run_body(created_by, out);
    return out;
  }
  if (is_keyword(first)) {
    split_keyword(text, out);
    return out;
  }
  ParsedStep step = parse_history_step(created_by);
  std::string_view command = trim(step.command);
  if (!step.build_args.empty() || strip_shell(command) != command) {
    set_run_body(created_by, out);
  }
  return out;
}

std::string copy_destination(std::string_view body, bool classic_form) {
  std::string_view b = trim(body);
  if (classic_form) {
    // "file:<hash> in /app/id_rsa" (classic builder and buildah).
    size_t in = b.rfind(" in ");
    if (in == std::string_view::npos) return "";
    return std::string(trim(b.substr(in + 4)));
  }
  std::vector<std::string> words = split_words(b);
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
