#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "strata/core/unique_fd.hpp"

extern char** environ;

namespace strata {
namespace {

using Clock = std::chrono::steady_clock;

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Starts argv[0] from PATH in a new process group with stdin and stdout on the given fds,
// stderr on /dev/null, and signals as a fresh process has them (SIGPIPE may be ignored here).
Result<pid_t> spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd) {
  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, stdin_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  sigset_t no_signals;
  sigset_t default_signals;
  sigemptyset(&no_signals);
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&setup.attr, &no_signals);
  posix_spawnattr_setsigdefault(&setup.attr, &default_signals);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  if (rc == ENOENT) return fail("not found on PATH");
  if (rc != 0) return fail(std::string("cannot start: ") + std::strerror(rc));
  return pid;
}

void kill_and_reap(pid_t pid) {
  ::kill(-pid, SIGKILL);  // the group: a script's own children too
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

enum class Ending { kEndOfOutput, kTimedOut, kTooLarge };

// Reads fd until EOF, the deadline or more than max_output bytes.
Result<Ending> collect(int fd, Clock::time_point deadline, size_t max_output, std::string& out) {
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Ending::kTimedOut;
    pollfd poll_fd{fd, POLLIN, 0};
    int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::string("reading its output: ") + std::strerror(errno));
    if (n == 0) return Ending::kEndOfOutput;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > max_output) return Ending::kTooLarge;
  }
}

// The wait status once the child exits, or nullopt when the deadline passes first (a child
// may close its stdout and linger).
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return std::nullopt;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// Waits for the started child and judges how it ended.
Result<ChildOutcome> finish(pid_t pid, int out_fd, std::chrono::milliseconds timeout,
                            size_t max_output) {
  auto deadline = Clock::now() + timeout;
  ChildOutcome outcome;
  auto ending = collect(out_fd, deadline, max_output, outcome.out);
  std::optional<int> status;
  if (ending && *ending == Ending::kEndOfOutput) status = wait_until(pid, deadline);
  if (!status) kill_and_reap(pid);
  if (!ending) return fail(ending.error());
  if (*ending == Ending::kTooLarge) {
    return fail("wrote more than " + std::to_string(max_output) + " bytes");
  }
  if (!status) return fail("timed out after " + duration_text(timeout));
  if (WIFSIGNALED(*status)) return fail("killed by signal " + std::to_string(WTERMSIG(*status)));
  outcome.exit_status = WEXITSTATUS(*status);
  return outcome;
}

}  // namespace

Result<ChildOutcome> run_child(const std::vector<std::string>& argv, const std::string& input,
                               std::chrono::milliseconds timeout, size_t max_output) {
  if (argv.empty()) return fail("run_child: no program");
  auto in_context = [&](const Error& e) { return fail(e.with_context(argv[0])); };
  // stdin is a socket so that writing to a child that never reads cannot raise SIGPIPE here.
  int in[2];
  int out[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    return in_context(Error{std::string("socketpair: ") + std::strerror(errno)});
  }
  UniqueFd our_in(in[0]);
  UniqueFd child_in(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return in_context(Error{std::string("pipe: ") + std::strerror(errno)});
  }
  UniqueFd our_out(out[0]);
  Result<pid_t> pid = [&] {
    UniqueFd child_out(out[1]);  // closed here so that EOF comes when the child exits
    return spawn(argv, child_in.get(), child_out.get());
  }();
  if (!pid) return in_context(pid.error());
  // Input is small (a server URL): one send into the socket buffer, never blocking.
  (void)::send(our_in.get(), input.data(), input.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(our_in.get(), SHUT_WR);
  auto outcome = finish(*pid, our_out.get(), timeout, max_output);
  if (!outcome) return in_context(outcome.error());
  return outcome;
}

}  // namespace strata
