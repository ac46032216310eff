// Subprocess: a child process for tests (python3 test servers, registries, daemons), spawned
// with argv and extra environment variables, its stdout readable line by line with a timeout,
// terminated and reaped when the object goes away.
//
//   Subprocess server({"/usr/bin/python3", script, "--root", dir}, {"TOKEN=" + token});
//   std::optional<std::string> port = server.read_line(std::chrono::seconds(10));
//   ...
//   server.terminate();  // or let the destructor do it
//
// The child runs in its own process group, so terminate() reaches whatever it started too;
// its stdin is a pipe this object holds open, so a server that exits on stdin EOF (ours take
// --exit-on-stdin-eof) also goes when the test process dies without cleaning up. stderr is
// inherited (shows in the test log). A child that writes much more than its first lines to
// stdout must have them read, or it blocks on a full pipe.
// Thread safety: one thread per object. Errors: the constructor throws std::runtime_error
// when the program cannot be started.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

class Subprocess {
 public:
  // argv[0] is looked up in PATH when it has no slash. extra_env entries are "NAME=value"
  // and override the test process's own variables of those names.
  explicit Subprocess(const std::vector<std::string>& argv,
                      const std::vector<std::string>& extra_env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of the child's stdout without its newline; nullopt at EOF or when no
  // full line came within `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  // Waits up to `timeout` for the child to exit by itself (a command run to completion) and
  // reaps it: its wait status (WIFEXITED/WEXITSTATUS apply), or nullopt while it still runs.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  // SIGTERM to the child's process group, SIGKILL after `grace`, then reaps the child.
  // Returns its wait status (as waitpid gives it), or -1 when it was already reaped.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string pending_;  // stdout read past the last line returned
};

}  // namespace strata::test
