// lint.copy-dependency-cache: dependency directories and caches of the developer's machine
// (node_modules, .venv, __pycache__, .gradle, …) that a broad COPY sends into the final image.
// They replace what the build installs with binaries built for another system, bloat the image
// and can hold registry credentials; the build should make its own.
#include <algorithm>
#include <array>
#include <filesystem>

#include "context_landings.hpp"
#include "copy_checks.hpp"

namespace strata {

namespace {

namespace fs = std::filesystem;

// A directory that cannot be listed is left out, not the end of the listing.
constexpr auto kSkipDenied = fs::directory_options::skip_permission_denied;

constexpr std::array<std::string_view, 12> kCacheNames = {"node_modules", "bower_components",
                                                          ".npm",         ".pnpm-store",
                                                          "__pycache__",  ".pytest_cache",
                                                          ".mypy_cache",  ".tox",
                                                          ".gradle",      ".m2",
                                                          ".terraform",   ".venv"};

bool is_cache_dir(const fs::path& dir) {
  std::string name = dir.filename().string();
  if (name == "venv") return fs::exists(dir / "pyvenv.cfg");  // else perhaps a source folder
  return std::ranges::find(kCacheNames, name) != kCacheNames.end();
}

// A regular file somewhere in `dir` (its path relative to the context), to follow into the
// image; "" when it holds none.
std::string some_file_in(const fs::path& context, const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, kSkipDenied, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) return fs::relative(it->path(), context, ec).generic_string();
  }
  return "";
}

// The cache directories the build sends (relative paths), not looking inside them or in
// what .dockerignore prunes.
std::vector<std::string> sent_cache_dirs(const LintTarget& target) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::path context = target.context;
  for (fs::recursive_directory_iterator it(context, kSkipDenied, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    std::string rel = fs::relative(it->path(), context, ec).generic_string();
    bool cache = is_cache_dir(it->path());
    if (cache || target.ignore.prunes(rel)) it.disable_recursion_pending();
    if (cache && !target.ignore.excludes(rel)) out.push_back(rel);
  }
  std::ranges::sort(out);
  return out;
}

}  // namespace

std::vector<Finding> lint_dependency_caches(const LintTarget& target, LintFixes* fixes) {
  std::vector<Finding> out;
  for (const std::string& dir : sent_cache_dirs(target)) {
    std::string file = some_file_in(target.context, fs::path(target.context) / dir);
    std::optional<Landing> landing =
        file.empty() ? std::nullopt : final_landing(target.dockerfile, file);
    if (!landing) continue;
    const DockerfileInstruction& copy = *landing->origin;
    Finding f = lint_finding(kCopyCacheRule, copy.text, copy.line, target);
    // COPY node_modules ./node_modules copies it on purpose: ignoring it would break the COPY.
    bool named = std::ranges::any_of(copy_sources(target.dockerfile, copy),
                                     [&](const std::string& s) { return names_path(s, dir); });
    RemediationStep step =
        named ? fix_step("copy", "Drop this COPY of " + dir +
                                     ": let the build install the dependencies it needs itself")
              : fix_step("dockerignore", "Keep " + dir +
                                             " out of the context (.dockerignore): the build "
                                             "installs the dependencies it needs itself");
    if (!named) step.lines = {dir};
    f.remediation.push_back(std::move(step));
    out.push_back(std::move(f));
    if (!fixes || named) continue;
    if (std::ranges::find(fixes->ignore_entries, dir) == fixes->ignore_entries.end()) {
      fixes->ignore_entries.push_back(dir);
    }
  }
  return out;
}

}  // namespace strata
