#include "rule_loading.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace strata::app {

std::string default_patterns_dir() {
  if (const char* env = std::getenv("STRATA_PATTERNS_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "strata" / "patterns";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return STRATA_DEFAULT_PATTERNS;
}

Result<RuleSet> load_rules(const std::vector<std::string>& extra, bool use_defaults) {
  std::vector<std::string> paths;
  if (use_defaults) paths.push_back(default_patterns_dir());
  paths.insert(paths.end(), extra.begin(), extra.end());
  return load_rule_files(paths);
}

}  // namespace strata::app
