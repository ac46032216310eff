// run_child: runs a program found on PATH (no shell) with some bytes on its stdin and collects
// its stdout, within bounds on time and output size. Its stderr goes to /dev/null.
//
//   auto r = run_child({"docker-credential-pass", "get"}, "ghcr.io\n", 30s, 64 << 10);
//   if (r && r->exit_status == 0) use(r->out);
//
// The child runs in its own process group; when time runs out or the output exceeds the bound,
// the whole group is killed (SIGKILL) and reaped before the error returns.
//
// Errors: "not found on PATH", "timed out after 30 s", "wrote more than 65536 bytes",
// "killed by signal 9" — never the child's output.
// Thread safety: may be called from several threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "strata/core/result.hpp"

namespace strata {

struct ChildOutcome {
  int exit_status = 0;  // the exit code (a child killed by a signal is an error instead)
  std::string out;      // everything it wrote to stdout
};

[[nodiscard]] Result<ChildOutcome> run_child(const std::vector<std::string>& argv,
                                             const std::string& input,
                                             std::chrono::milliseconds timeout, size_t max_output);

}  // namespace strata
