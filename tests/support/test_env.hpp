// Test support: temporary directories, files, environment variables, loopback ports, and
// running the built strata binary.
//
//   TempDir dir;                                  // removed when it goes out of scope
//   write_file(dir.path() + "/x", "data");
//   ScopedEnv home("HOME", dir.path());           // the old value back at the end of scope
//   RunResult r = run_strata({"scan", path, "--format", "json"});
//   auto j = nlohmann::json::parse(r.out);
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content);  // creates parent dirs
std::string read_file(const std::string& path);

// Sets an environment variable (unsets it, with nullopt) for a scope and puts the old value
// back; children started meanwhile inherit it. Not thread-safe (setenv).
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

// A fake secret made at run time (never a literal in test code): prefix + 24 random hex digits.
std::string random_secret(const std::string& prefix);

// A 127.0.0.1 TCP port nobody listens on right now (a server binds it a moment later, so a
// caller retries with another when that fails); 0 when none could be had.
int free_loopback_port();

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  double wall_seconds = 0;
  double peak_rss_mib = 0;  // the child's maximum resident set size (wait4's ru_maxrss)
};

// Runs the built strata binary with these arguments (no shell), optionally feeding stdin
// from a file. Gives up after timeout_seconds (exit_code -1).
RunResult run_strata(const std::vector<std::string>& args, const std::string& stdin_file = "",
                     int timeout_seconds = 300);
// The same with extra environment variables ("NAME=value"; "NAME=" sets it empty).
RunResult run_strata_env(const std::vector<std::string>& args, const std::vector<std::string>& env,
                         const std::string& stdin_file = "", int timeout_seconds = 300);

// Path of a fixture made by tests/support/build-real-images.sh, or "" when it is missing.
// Hidden from the test files ctest runs without those fixtures (tests/CMakeLists.txt).
#ifndef STRATA_NO_REAL_IMAGES
std::string real_fixture(const std::string& name);
#endif

}  // namespace strata::test
