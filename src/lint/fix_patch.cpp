#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lint_support.hpp"
#include "strata/dockerfile/text_helpers.hpp"

namespace strata {

namespace {

// The path as `git apply` wants it: relative to the current directory.
std::string patch_path(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return absolute.lexically_normal()
      .lexically_proximate(std::filesystem::current_path(ec))
      .generic_string();
}

// A line of a diff: ' ' kept, '-' removed, '+' added.
struct DiffLine {
  char op;
  std::string text;
};

// The end of the run of changes starting at `first`, runs less than two contexts apart
// joined (one hunk).
size_t hunk_end(const std::vector<DiffLine>& lines, size_t first, size_t context) {
  size_t end = first;
  for (;;) {
    while (end < lines.size() && lines[end].op != ' ') ++end;
    size_t next = end;
    while (next < lines.size() && lines[next].op == ' ') ++next;
    if (next == lines.size() || next - end > 2 * context) return end;
    end = next;
  }
}

// Hunks with three lines of context around each run of changes. `mark_old_end`: the old
// file has no final newline, so its last line gets git's marker.
void write_hunks(std::ostream& out, const std::vector<DiffLine>& lines, bool mark_old_end) {
  constexpr size_t kContext = 3;
  std::vector<size_t> old_at(lines.size() + 1), new_at(lines.size() + 1);  // lines before k
  for (size_t k = 0; k < lines.size(); ++k) {
    old_at[k + 1] = old_at[k] + (lines[k].op != '+' ? 1 : 0);
    new_at[k + 1] = new_at[k] + (lines[k].op != '-' ? 1 : 0);
  }
  for (size_t done = 0;;) {
    size_t first = done;
    while (first < lines.size() && lines[first].op == ' ') ++first;
    if (first == lines.size()) return;
    size_t begin = std::max(done, first >= kContext ? first - kContext : 0);
    size_t stop = std::min(lines.size(), hunk_end(lines, first, kContext) + kContext);
    size_t old_count = old_at[stop] - old_at[begin], new_count = new_at[stop] - new_at[begin];
    out << "@@ -" << old_at[begin] + (old_count ? 1 : 0) << "," << old_count << " +"
        << new_at[begin] + (new_count ? 1 : 0) << "," << new_count << " @@\n";
    for (size_t k = begin; k < stop; ++k) {
      out << lines[k].op << lines[k].text << "\n";
      if (mark_old_end && lines[k].op == '-' && old_at[k + 1] == old_at.back()) {
        out << "\\ No newline at end of file\n";
      }
    }
    done = stop;
  }
}

// The diff of one file; `old_exists` false for a new file. When the old file has no final
// newline, its last line is replaced by itself with one (the marker tells git so).
std::string file_diff(const std::string& path, std::vector<DiffLine> lines, bool old_exists,
                      bool old_ends_in_newline) {
  if (!old_ends_in_newline) {
    auto last = std::find_if(lines.rbegin(), lines.rend(), [](auto& l) { return l.op != '+'; });
    if (last != lines.rend() && last->op == ' ') {
      last->op = '-';
      lines.insert(last.base(), {'+', last->text});
    }
  }
  std::string p = patch_path(path);
  std::ostringstream out;
  out << "diff --git a/" << p << " b/" << p << "\n";
  if (!old_exists) out << "new file mode 100644\n";
  out << "--- " << (old_exists ? "a/" + p : "/dev/null") << "\n+++ b/" << p << "\n";
  write_hunks(out, lines, !old_ends_in_newline);
  return out.str();
}

// Past the blanks and words from `pos` that start with "--" (a RUN's flags).
size_t skip_flags(const std::string& line, size_t pos) {
  for (;;) {
    size_t word = line.find_first_not_of(" \t", pos);
    if (word == std::string::npos || line.compare(word, 2, "--") != 0) return pos;
    pos = std::min(line.find_first_of(" \t", word), line.size());
  }
}

// The RUN's first line with the mount flags after its keyword and the commands before its own
// (after its flags, so a continuation that follows still continues the command).
std::string rewritten_run(const std::string& line, const std::vector<std::string>& mounts,
                          const std::vector<std::string>* commands) {
  size_t start = line.find_first_not_of(" \t");
  size_t keyword_end = start == std::string::npos ? line.size() : start + 3;
  std::string flags;
  for (const std::string& m : mounts) flags += " " + m;
  std::string out = line.substr(0, keyword_end) + flags + line.substr(keyword_end);
  if (!commands) return out;
  size_t at = skip_flags(out, keyword_end + flags.size());
  std::string prefix;
  for (const std::string& c : *commands) prefix += " " + c + " &&";
  return out.substr(0, at) + prefix + out.substr(at);
}

std::vector<DiffLine> rewritten_dockerfile(const LintTarget& target, const LintFixes& fixes) {
  std::vector<DiffLine> out;
  int skip_to = 0;  // the last line of a deleted instruction
  for (size_t i = 0; i < target.lines.size(); ++i) {
    int line = static_cast<int>(i) + 1;
    const std::string& text = target.lines[i];
    if (fixes.deleted.contains(line)) {
      PlacedInstruction placed = instruction_at(target.dockerfile, line);
      skip_to = placed.instruction ? placed.instruction->end_line : line;
    }
    if (line <= skip_to) {
      out.push_back({'-', text});
      continue;
    }
    auto mounts = fixes.mounts.find(line);
    if (mounts == fixes.mounts.end()) {
      out.push_back({' ', text});
      continue;
    }
    out.push_back({'-', text});
    auto commands = fixes.commands.find(line);
    out.push_back(
        {'+', rewritten_run(text, mounts->second,
                            commands == fixes.commands.end() ? nullptr : &commands->second)});
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string ignore_diff(const LintTarget& target, const LintFixes& fixes) {
  std::string path = target.ignore_path.value_or(
      (std::filesystem::path(target.context) / ".dockerignore").string());
  std::string text = target.ignore_path ? read_all(path) : "";
  std::vector<DiffLine> lines;
  for (std::string& l : lines_of(text)) lines.push_back({' ', std::move(l)});
  size_t kept = lines.size();
  for (const std::string& entry : fixes.ignore_entries) {
    if (target.ignore.excludes(entry)) continue;
    if (lines.size() == kept)
      lines.push_back({'+', "# secrets strata lint found in the build context"});
    lines.push_back({'+', entry});
  }
  if (lines.size() == kept) return "";
  return file_diff(path, std::move(lines), target.ignore_path.has_value(),
                   text.empty() || text.back() == '\n');
}

}  // namespace

std::string fix_patch(const LintTarget& target, const LintFixes& fixes) {
  std::string patch;
  if (!fixes.deleted.empty() || !fixes.mounts.empty()) {
    std::string text = read_all(target.dockerfile_path);
    patch += file_diff(target.dockerfile_path, rewritten_dockerfile(target, fixes), true,
                       text.empty() || text.back() == '\n');
  }
  return patch + ignore_diff(target, fixes);
}

}  // namespace strata
