#include <filesystem>
#include <fstream>
#include <sstream>

#include "arg_env_checks.hpp"
#include "copy_checks.hpp"
#include "text_checks.hpp"

namespace strata {

namespace {

std::vector<std::string> text_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

Result<LintTarget> load_lint_target(const std::string& dockerfile, const std::string& context) {
  std::error_code ec;
  if (!std::filesystem::is_directory(context, ec)) {
    return fail("build context " + context + ": not a directory");
  }
  LintTarget target;
  target.dockerfile_path = dockerfile;
  target.context = context;
  auto parsed = read_dockerfile(dockerfile);
  if (!parsed) return fail(parsed.error());
  target.dockerfile = std::move(*parsed);
  std::ifstream in(dockerfile, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  target.lines = text_lines(text.str());
  target.ignore_path = find_dockerignore(dockerfile, context);
  if (target.ignore_path) {
    auto ignore = read_dockerignore(*target.ignore_path);
    if (!ignore) return fail(ignore.error());
    target.ignore = std::move(*ignore);
  }
  return target;
}

std::vector<Finding> lint_dockerfile(const LintTarget& target, const MatchEngine& engine,
                                     LintFixes* fixes) {
  std::vector<Finding> out;
  check_args_and_envs(target, out, fixes);
  check_text(target, engine, out);
  check_add_urls(target, out);
  check_copy_from_stages(target, out);
  return out;
}

}  // namespace strata
