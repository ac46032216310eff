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
  return absolute.lexically_proximate(std::filesystem::current_path(ec)).generic_string();
}

// One hunk that replaces the whole file; `old_lines` empty for a new file. A file without a
// final newline has it added (the marker tells git so).
std::string whole_file_diff(const std::string& path, const std::vector<std::string>& old_lines,
                            bool old_ends_in_newline, const std::vector<std::string>& new_lines) {
  std::string p = patch_path(path);
  std::ostringstream out;
  if (old_lines.empty()) {
    out << "diff --git a/" << p << " b/" << p << "\nnew file mode 100644\n--- /dev/null\n";
  } else {
    out << "diff --git a/" << p << " b/" << p << "\n--- a/" << p << "\n";
  }
  out << "+++ b/" << p << "\n@@ -" << (old_lines.empty() ? 0 : 1) << "," << old_lines.size()
      << " +1," << new_lines.size() << " @@\n";
  for (size_t i = 0; i < old_lines.size(); ++i) {
    out << "-" << old_lines[i] << "\n";
    if (i + 1 == old_lines.size() && !old_ends_in_newline) out << "\\ No newline at end of file\n";
  }
  for (const std::string& l : new_lines) out << "+" << l << "\n";
  return out.str();
}

// The RUN's first line with the mount flags after its keyword.
std::string with_mounts(const std::string& line, const std::vector<std::string>& mounts) {
  size_t start = line.find_first_not_of(" \t");
  size_t keyword_end = start == std::string::npos ? line.size() : start + 3;
  std::string flags;
  for (const std::string& m : mounts) flags += " " + m;
  return line.substr(0, keyword_end) + flags + line.substr(keyword_end);
}

std::vector<std::string> rewritten_dockerfile(const LintTarget& target, const LintFixes& fixes) {
  std::vector<std::string> out;
  for (size_t i = 0; i < target.lines.size(); ++i) {
    int line = static_cast<int>(i) + 1;
    if (fixes.deleted.contains(line)) {
      PlacedInstruction placed = instruction_at(target.dockerfile, line);
      if (placed.instruction) i = static_cast<size_t>(placed.instruction->end_line) - 1;
      continue;
    }
    auto mounts = fixes.mounts.find(line);
    out.push_back(mounts == fixes.mounts.end() ? target.lines[i]
                                               : with_mounts(target.lines[i], mounts->second));
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
  std::vector<std::string> old_lines = lines_of(text);
  std::vector<std::string> new_lines = old_lines;
  bool added = false;
  for (const std::string& entry : fixes.ignore_entries) {
    if (target.ignore.excludes(entry)) continue;
    if (!added) new_lines.push_back("# secrets strata lint found in the build context");
    new_lines.push_back(entry);
    added = true;
  }
  if (!added) return "";
  return whole_file_diff(path, old_lines, text.empty() || text.back() == '\n', new_lines);
}

}  // namespace

std::string fix_patch(const LintTarget& target, const LintFixes& fixes) {
  std::string patch;
  if (!fixes.deleted.empty() || !fixes.mounts.empty()) {
    std::string text = read_all(target.dockerfile_path);
    patch +=
        whole_file_diff(target.dockerfile_path, lines_of(text), text.empty() || text.back() == '\n',
                        rewritten_dockerfile(target, fixes));
  }
  return patch + ignore_diff(target, fixes);
}

}  // namespace strata
