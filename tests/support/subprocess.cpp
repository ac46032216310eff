#include "support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_env.hpp"

extern char** environ;

namespace strata::test {

namespace {

// The test process's environment with `extra` laid over it.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view current(*entry);
    std::string_view name = current.substr(0, current.find('='));
    bool overridden = false;
    for (const auto& e : extra) overridden = overridden || e.starts_with(std::string(name) + "=");
    if (!overridden) merged.emplace_back(current);
  }
  merged.insert(merged.end(), extra.begin(), extra.end());
  return merged;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error("Subprocess: " + what + ": " + std::strerror(errno));
}

// What the child's stdin, stdout and stderr become (-1: stderr stays inherited), and the
// ends of the pipes this object keeps. Closes whatever it still holds when it goes away.
struct Streams {
  int child[3] = {-1, -1, -1};
  int parent_stdin = -1, parent_stdout = -1;

  ~Streams() {
    for (int fd : {child[0], child[1], child[2], parent_stdin, parent_stdout}) {
      if (fd >= 0) ::close(fd);
    }
  }
  void open_file(int stream, const std::string& path) {
    if (path.empty()) return;
    int flags = stream == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND;
    child[stream] = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    if (child[stream] < 0) throw system_error("cannot open " + path);
  }
  // A pipe for stdin or stdout unless a file was opened for it.
  void pipe_unless_file(int stream, int& parent_end) {
    if (child[stream] >= 0) return;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw system_error("pipe");
    child[stream] = stream == 0 ? fds[0] : fds[1];
    parent_end = stream == 0 ? fds[1] : fds[0];
  }
};

// The child between fork() and exec: async-signal-safe calls only (the test process has
// other threads). A failure's errno goes to `report_fd` for the constructor to throw.
[[noreturn]] void become_child(const std::string& exe, std::vector<char*>& argv,
                               std::vector<char*>& envp, const Streams& streams, int death_signal,
                               pid_t parent, int report_fd) {
  if (death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, death_signal);
    if (::getppid() != parent) ::_exit(127);  // the parent went before prctl took effect
  }
  ::setpgid(0, 0);  // its own group: terminate() reaches its children
  bool ok = true;
  for (int stream = 0; stream < 3 && ok; ++stream) {  // dup2 clears O_CLOEXEC on 0, 1, 2
    ok = streams.child[stream] < 0 || ::dup2(streams.child[stream], stream) == stream;
  }
  if (ok) ::execve(exe.c_str(), argv.data(), envp.data());
  int error = errno;
  ssize_t ignored = ::write(report_fd, &error, sizeof error);
  (void)ignored;
  ::_exit(127);
}

}  // namespace

std::string find_executable(const std::string& name) {
  auto executable = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return "";
}

Subprocess::Subprocess(const std::vector<std::string>& argv,
                       const std::vector<std::string>& extra_env,
                       const SubprocessOptions& options) {
  if (argv.empty()) throw std::runtime_error("Subprocess: empty argv");
  std::string exe = find_executable(argv[0]);
  if (exe.empty()) throw std::runtime_error("Subprocess: cannot start " + argv[0] + ": not found");
  Streams streams;
  streams.open_file(0, options.stdin_file);
  streams.open_file(1, options.stdout_file);
  streams.open_file(2, options.stderr_file);
  streams.pipe_unless_file(0, streams.parent_stdin);
  streams.pipe_unless_file(1, streams.parent_stdout);
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw system_error("pipe");
  std::vector<std::string> args = argv, env = merged_environment(extra_env);
  std::vector<char*> arg_pointers = pointers(args), env_pointers = pointers(env);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    become_child(exe, arg_pointers, env_pointers, streams, options.death_signal, parent, report[1]);
  }
  ::close(report[1]);
  int error = 0;
  ssize_t n;
  do n = ::read(report[0], &error, sizeof error);  // EOF: exec succeeded (or fork failed)
  while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (pid < 0) throw system_error("fork");
  if (n > 0) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error("Subprocess: cannot start " + argv[0] + ": " + std::strerror(error));
  }
  pid_ = pid;
  std::swap(stdin_fd_, streams.parent_stdin);
  std::swap(stdout_fd_, streams.parent_stdout);
}

Subprocess::~Subprocess() {
  terminate();
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stdin_fd_ >= 0) close(stdin_fd_);
}

std::optional<std::string> Subprocess::read_line(std::chrono::milliseconds timeout) {
  if (stdout_fd_ < 0) return std::nullopt;  // stdout goes to a file
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (size_t newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd ready{.fd = stdout_fd_, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;  // EOF: the child closed stdout (or died)
    pending_.append(buffer, static_cast<size_t>(n));
  }
}

std::optional<int> Subprocess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return status;
}

bool Subprocess::has_exited() const {
  if (pid_ <= 0) return true;
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid_;
}

int Subprocess::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return status;
}

CommandResult run_command(const std::vector<std::string>& argv, int timeout_seconds,
                          const std::string& stdin_file) {
  CommandResult result;
  TempDir io;
  SubprocessOptions options;
  options.stdin_file = stdin_file.empty() ? "/dev/null" : stdin_file;
  options.stdout_file = options.stderr_file = io.path() + "/output";
  options.death_signal = SIGTERM;
  std::optional<int> status;
  try {
    Subprocess child(argv, {}, options);
    status = child.wait_for_exit(std::chrono::seconds(timeout_seconds));
  } catch (const std::exception& e) {
    result.output = e.what();
    return result;
  }
  result.output = read_file(options.stdout_file);
  if (!status) result.output += "\n[test] " + argv.at(0) + " timed out";
  if (status && WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
  return result;
}

}  // namespace strata::test
