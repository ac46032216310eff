// Subprocess: a child process for tests (python3 test servers, registries, daemons), spawned
// with argv and extra environment variables, its stdout readable line by line with a timeout,
// terminated and reaped when the object goes away. run_command runs a command to completion.
//
//   Subprocess server({"/usr/bin/python3", script, "--root", dir}, {"TOKEN=" + token});
//   std::optional<std::string> port = server.read_line(std::chrono::seconds(10));
//   ...
//   server.terminate();  // or let the destructor do it
//   CommandResult r = run_command({"openssl", "version"}, 30);  // r.exit_code, r.output
//
// The child runs in its own process group, so terminate() reaches whatever it started too;
// its stdin is a pipe this object holds open, so a server that exits on stdin EOF (ours take
// --exit-on-stdin-eof) also goes when the test process dies without cleaning up. stderr is
// inherited (shows in the test log). SubprocessOptions send the streams to files instead, and
// can ask for a signal when the test dies (for servers that ignore stdin). A child that writes
// much more than its first lines to a stdout pipe must have them read, or it blocks.
// Thread safety: one thread per object. Errors: the constructor throws std::runtime_error
// when the program cannot be started; run_command never throws.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

struct SubprocessOptions {
  std::string stdin_file;   // "": a pipe this object holds open (see above)
  std::string stdout_file;  // "": a pipe read_line() reads; else appended to this file
  std::string stderr_file;  // "": inherited; else appended to this file (may be stdout_file)
  // Sent to the child when the thread that made it ends (PR_SET_PDEATHSIG), so a killed test
  // leaves no server behind; 0: none. Make such children on the thread that outlives them.
  int death_signal = 0;
};

// The path of `name` (looked up in PATH when it has no slash) if that is an executable file,
// else "".
std::string find_executable(const std::string& name);

class Subprocess {
 public:
  // argv[0] is looked up in PATH when it has no slash. extra_env entries are "NAME=value"
  // and override the test process's own variables of those names.
  explicit Subprocess(const std::vector<std::string>& argv,
                      const std::vector<std::string>& extra_env = {},
                      const SubprocessOptions& options = {});
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
  // Whether the child has exited (true once reaped), without reaping it: terminate() can
  // still signal its process group, and wait_for_exit() gives its status.
  bool has_exited() const;

  // SIGTERM to the child's process group, SIGKILL after `grace`, then reaps the child.
  // Returns its wait status (as waitpid gives it), or -1 when it was already reaped.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string pending_;  // stdout read past the last line returned
};

struct CommandResult {
  int exit_code = -1;  // -1: could not start, killed by a signal, or timed out
  std::string output;  // stdout and stderr together
};

// Runs argv to completion with stdin from stdin_file (/dev/null when empty); kills it after
// timeout_seconds. The child gets SIGTERM if the calling thread dies.
CommandResult run_command(const std::vector<std::string>& argv, int timeout_seconds = 120,
                          const std::string& stdin_file = "");

}  // namespace strata::test
