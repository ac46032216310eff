#include "strata/image/history_step.hpp"

#include <algorithm>
#include <array>

namespace strata {
namespace {

constexpr std::string_view kRunPrefix = "RUN ";
constexpr std::string_view kShell = "/bin/sh -c ";
constexpr std::string_view kNop = "#(nop)";
// The classic builder records a metadata step as "<SHELL> #(nop) ENV …": a SHELL instruction
// may lengthen the prefix ("/bin/bash -o pipefail -c"), but it stays within the first bytes.
constexpr size_t kMaxShellPrefix = 80;
constexpr std::string_view kBlanks = " \t\r\n\f";

constexpr std::array<std::string_view, 18> kKeywords = {
    "ADD",        "ARG",     "CMD", "COPY",  "ENTRYPOINT", "ENV",  "EXPOSE", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",     "FROM"};

struct ClassicCopyPrefix {
  std::string_view prefix;
  CopiedContent content;
};
constexpr std::array<ClassicCopyPrefix, 3> kClassicCopyPrefixes = {{
    {"file:", CopiedContent::kFile},
    {"dir:", CopiedContent::kDirectory},
    {"multi:", CopiedContent::kSeveral},
}};

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlanks) - begin + 1);
}

bool is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }

// Length of the "KEY" in a "KEY=…" token, or 0 when the token does not start that way.
size_t key_length(std::string_view token) {
  if (token.empty() || !is_key_start(token[0])) return 0;
  size_t i = 1;
  while (i < token.size() && is_key_char(token[i])) ++i;
  return i < token.size() && token[i] == '=' ? i : 0;
}

// buildah shows `--mount=type=secret,id=x` (the type may come after other options).
bool shows_secret_mount(std::string_view text) {
  for (size_t pos = text.find("--mount="); pos != std::string_view::npos;
       pos = text.find("--mount=", pos + 1)) {
    std::string_view option = text.substr(pos);
    option = option.substr(0, option.find(' '));
    if (option.find("type=secret") != std::string_view::npos) return true;
  }
  return false;
}

// The token after the last build arg looks like the start of a command.
bool looks_like_command(std::string_view rest) {
  return rest.empty() || rest.front() == '/' || rest.starts_with("sh -c") ||
         rest.starts_with("cmd ") || rest.starts_with("powershell");
}

// The `|N K=V …` prefix (classic builder, buildah, BuildKit): build_args and command.
void parse_build_args(std::string_view created_by, HistoryStep& step) {
  std::string_view text = created_by;
  size_t base = 0;  // offset of `text` in created_by
  if (text.starts_with(kRunPrefix)) {
    text.remove_prefix(kRunPrefix.size());
    base = kRunPrefix.size();
  }
  if (text.ends_with(kBuildkitMark)) {
    text.remove_suffix(kBuildkitMark.size());
    step.buildkit = true;
  }

  // "|N " with N decimal digits.
  size_t count = 0, pos = 1;
  bool has_count = text.size() > 1 && text[0] == '|';
  while (has_count && pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos < 8) {
    count = count * 10 + static_cast<size_t>(text[pos] - '0');
    ++pos;
  }
  has_count = has_count && pos > 1 && (pos == text.size() || text[pos] == ' ');
  if (!has_count) {
    step.command = std::string(text);
    return;
  }
  pos = std::min(pos + 1, text.size());

  while (pos < text.size() && step.build_args.size() < count) {
    size_t end = std::min(text.find(' ', pos), text.size());
    std::string_view token = text.substr(pos, end - pos);
    if (size_t key = key_length(token); key > 0) {
      step.build_args.push_back({std::string(token.substr(0, key)),
                                 std::string(token.substr(key + 1)), base + pos + key + 1});
    } else if (!step.build_args.empty()) {
      // A value with spaces: this token continues the previous value.
      step.build_args.back().value += " " + std::string(token);
    } else {
      break;  // no "KEY=" where the first arg should be: treat the rest as the command
    }
    pos = end + 1;
  }
  // The last value ends at its first space unless what follows is no command and a shell
  // invocation comes later ("|1 MSG=hello world /bin/sh -c …").
  if (count > 0 && step.build_args.size() == count && pos < text.size() &&
      !looks_like_command(text.substr(pos))) {
    size_t shell = text.find(std::string(" ") + std::string(kShell), pos);
    if (shell != std::string_view::npos) {
      step.build_args.back().value += " " + std::string(text.substr(pos, shell - pos));
      pos = shell + 1;
    }
  }
  step.command = pos < text.size() ? std::string(text.substr(pos)) : std::string();
}

bool is_keyword(std::string_view word) {
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

// "/bin/sh -c cmd" or "/bin/bash -o pipefail -c cmd" -> "cmd" (the SHELL may differ).
std::string_view strip_shell(std::string_view command) {
  if (!command.starts_with('/')) return command;
  size_t c = command.substr(0, kMaxShellPrefix).find(" -c ");
  return c == std::string_view::npos ? command : command.substr(c + 4);
}

void split_keyword(std::string_view text, HistoryStep& step) {
  text = trim(text);
  size_t space = text.find(' ');
  step.keyword = std::string(text.substr(0, space));
  step.body = space == std::string_view::npos ? "" : std::string(trim(text.substr(space + 1)));
}

void set_run_body(HistoryStep& step) {
  std::string_view command = trim(strip_shell(trim(step.command)));
  // buildah records the RUN options ahead of the command.
  while (command.starts_with("--")) {
    size_t space = command.find(' ');
    step.flags.emplace_back(command.substr(0, space));
    command = space == std::string_view::npos ? std::string_view() : trim(command.substr(space));
  }
  step.keyword = "RUN";
  step.body = std::string(command);
}

// Which instruction made the step: keyword, body and flags.
void classify(std::string_view created_by, HistoryStep& step) {
  std::string_view text = trim(created_by);
  if (text.ends_with(kBuildkitMark)) {
    text.remove_suffix(kBuildkitMark.size());
    step.buildkit = true;
  }
  size_t nop = text.find(kNop);
  if (nop < kMaxShellPrefix && !text.starts_with('|') && !text.starts_with(kRunPrefix)) {
    step.nop = true;
    split_keyword(text.substr(nop + kNop.size()), step);
    return;
  }
  std::string_view first = text.substr(0, text.find(' '));
  if (first == "RUN") return set_run_body(step);
  if (is_keyword(first)) return split_keyword(text, step);
  std::string_view command = trim(step.command);
  if (!step.build_args.empty() || strip_shell(command) != command) set_run_body(step);
}

// "file:<sha256> in /dest" and the like (see ClassicCopy).
ClassicCopy classic_copy(const HistoryStep& step) {
  ClassicCopy copy;
  std::string_view body = step.body;
  size_t in = body.rfind(" in ");
  if ((step.keyword != "COPY" && step.keyword != "ADD") || in == std::string_view::npos) {
    return copy;
  }
  for (const ClassicCopyPrefix& p : kClassicCopyPrefixes) {
    if (!body.starts_with(p.prefix)) continue;
    std::string_view digest = body.substr(p.prefix.size());
    digest = digest.substr(0, digest.find_first_not_of("0123456789abcdefABCDEF"));
    copy.content = p.content;
    copy.digest = std::string(digest);
    copy.destination = std::string(trim(body.substr(in + 4)));
  }
  return copy;
}

}  // namespace

bool HistoryStep::writes_files() const {
  return keyword.empty() || keyword == "RUN" || keyword == "COPY" || keyword == "ADD";
}

HistoryStep parse_history_step(std::string_view created_by) {
  HistoryStep step;
  step.mounts_secret = shows_secret_mount(created_by);
  parse_build_args(created_by, step);
  classify(created_by, step);
  step.classic_copy = classic_copy(step);
  return step;
}

}  // namespace strata
