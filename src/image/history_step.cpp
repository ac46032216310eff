#include <string>
#include <string_view>

#include "strata/image/image_config.hpp"

namespace strata {
namespace {

constexpr std::string_view kRunPrefix = "RUN ";
constexpr std::string_view kBuildkitSuffix = " # buildkit";
constexpr std::string_view kShell = "/bin/sh -c ";

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

}  // namespace

ParsedStep parse_history_step(std::string_view created_by) {
  ParsedStep step;
  step.mounts_secret = shows_secret_mount(created_by);
  std::string_view text = created_by;
  size_t base = 0;  // offset of `text` in created_by
  if (text.starts_with(kRunPrefix)) {
    text.remove_prefix(kRunPrefix.size());
    base = kRunPrefix.size();
  }
  if (text.ends_with(kBuildkitSuffix)) {
    text.remove_suffix(kBuildkitSuffix.size());
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
    return step;
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
  return step;
}

}  // namespace strata
