// Just enough shell reading to rewrite a RUN command: its `&&`/`;`/`||`/`|` segments, which of
// them use a variable, and where a segment redirects its output (`> /root/.npmrc`).
// Quote-aware, no expansion; anything unusual makes the callers keep the command as it is.
//
//   ShellCommand c = split_shell_command("echo $T > /root/.npmrc && npm ci");
//   c.segments[0].redirect_target == "/root/.npmrc"; uses_variable(c.segments[0].text, "T");
//
// Thread safety: pure functions.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct ShellSegment {
  std::string text;             // trimmed
  std::string separator;        // what follows it: "&&", "||", ";", "|" or "" (the last one)
  std::string redirect_target;  // the last `>`/`>>` file target, /dev/* excluded
};

struct ShellCommand {
  std::vector<ShellSegment> segments;
};

ShellCommand split_shell_command(std::string_view command);

// `$NAME` or `${NAME…}` appears in the text.
bool uses_variable(std::string_view text, std::string_view name);

// The command without segment `index`, when every separator is `&&` or `;` (removing a segment
// elsewhere would change what runs); "" when nothing is left; nullopt-like `ok=false` otherwise.
std::string without_segment(const ShellCommand& command, size_t index, bool& ok);
// The same without every segment in `indices`.
std::string without_segments(const ShellCommand& command, const std::set<size_t>& indices,
                             bool& ok);

}  // namespace strata
