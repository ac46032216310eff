#include "support/daemon_server.hpp"

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/test_env.hpp"

namespace fs = std::filesystem;

namespace strata::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string last_lines(const std::string& text, size_t count) {
  size_t pos = text.size();
  for (size_t n = 0; n <= count && pos != std::string::npos && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

// Storage drivers may leave mounts under the engine's directory: detach them, deepest first,
// before the directory is removed.
void unmount_under(const std::string& dir) {
  std::ifstream mounts("/proc/mounts");
  std::vector<std::string> targets;
  for (std::string device, target, rest;
       mounts >> device >> target && std::getline(mounts, rest);) {
    if (target.starts_with(dir + "/")) targets.push_back(target);
  }
  std::sort(targets.rbegin(), targets.rend());
  for (const std::string& target : targets) ::umount2(target.c_str(), MNT_DETACH);
}

// Runs argv with stdout and stderr appended to `log` (the engines log plenty; a test shows the
// file's tail when something fails).
std::unique_ptr<Subprocess> spawn_logged(const std::vector<std::string>& argv,
                                         const std::string& log) {
  SubprocessOptions options;
  options.stdout_file = options.stderr_file = log;
  return std::make_unique<Subprocess>(argv, std::vector<std::string>{}, options);
}

}  // namespace

// ---- DaemonServer ----------------------------------------------------------------------------

bool api_answers(const std::string& socket_path, const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  timeval limit{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  std::string request = "GET " + path + " HTTP/1.0\r\nHost: d\r\n\r\n";
  char reply[64] = {};
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()) &&
            ::read(fd, reply, sizeof reply - 1) > 12;
  ::close(fd);
  return ok && std::string_view(reply).starts_with("HTTP/1.") &&
         std::string_view(reply).substr(9, 3) == "200";
}

DaemonServer::DaemonServer(Kind kind, std::string dir) : kind_(kind), dir_(std::move(dir)) {
  socket_ = dir_ + (kind_ == Kind::kDocker ? "/d.sock" : "/p.sock");
}

DaemonServer::~DaemonServer() {
  if (process_) process_->terminate(seconds(20));  // dockerd stops containerd first
  unmount_under(dir_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::unique_ptr<DaemonServer> DaemonServer::start(Kind kind, Options options, std::string& why) {
  const char* tool = kind == Kind::kDocker ? "dockerd" : "podman";
  if (find_executable(tool).empty()) {
    why = std::string(tool) + " is not installed";
    return nullptr;
  }
  std::string tmpl = "/tmp/strata-dmn-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    why = "mkdtemp in /tmp failed";
    return nullptr;
  }
  std::unique_ptr<DaemonServer> server(new DaemonServer(kind, tmpl));
  // A port picked free may be taken before dockerd binds it: try again with another.
  for (int attempt = 0; attempt < 3; ++attempt) {
    why = server->start_process(options);
    if (why.empty()) return server;
  }
  return nullptr;
}

std::string DaemonServer::start_process(const Options& options) {
  std::vector<std::string> argv;
  if (kind_ == Kind::kDocker) {
    argv = {"dockerd",       "--host",        unix_host(),        "--data-root",
            dir_ + "/data",  "--exec-root",   dir_ + "/x",        "--pidfile",
            dir_ + "/d.pid", "--bridge=none", "--iptables=false", "--ip6tables=false"};
    if (options.tcp) {
      tcp_port_ = free_loopback_port();
      argv.insert(argv.begin() + 3, {"--host", tcp_host()});
    }
  } else {
    argv = client_command();
    argv.insert(argv.end(), {"system", "service", "--time=0", unix_host()});
  }
  process_ = spawn_logged(argv, dir_ + "/engine.log");
  auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (api_answers(socket_, "/_ping")) return "";
    if (process_->has_exited()) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  process_.reset();
  return argv[0] + " did not come up; its log ends:\n" + log_tail();
}

std::string DaemonServer::tcp_host() const {
  return tcp_port_ ? "tcp://127.0.0.1:" + std::to_string(tcp_port_) : "";
}

std::vector<std::string> DaemonServer::client_command() const {
  if (kind_ == Kind::kPodman) {
    return {"podman",      "--root",           dir_ + "/root", "--runroot",
            dir_ + "/run", "--storage-driver", "vfs"};
  }
  // Debian's 20.10 client; a newer one earlier on PATH works for `load` too.
  std::string cli = ::access("/usr/bin/docker", X_OK) == 0 ? "/usr/bin/docker" : "docker";
  return {cli, "-H", unix_host()};
}

std::string DaemonServer::load(const std::string& archive) {
  std::vector<std::string> argv = client_command();
  argv.insert(argv.end(), {"load", "-i", archive});
  CommandResult r = run_command(argv, 120);
  if (r.exit_code == 0) return "";
  return argv[0] + " load -i " + archive + " failed (exit code " + std::to_string(r.exit_code) +
         "):\n" + last_lines(r.output, 15);
}

std::string DaemonServer::log_tail() const {
  return last_lines(read_file(dir_ + "/engine.log"), 15);
}

}  // namespace strata::test
