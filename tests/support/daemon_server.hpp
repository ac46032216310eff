// Real container engines for the daemon-source tests: Debian's dockerd and `podman system
// service`, each on its own API socket with its own storage and run directories under a short
// private directory in /tmp (unix socket paths must stay under 108 bytes, podman's runroot
// under 50), started by the test and stopped by the destructor (SIGTERM, waitpid, SIGKILL after
// a grace period; the storage removed). Nothing is shared with an engine the machine may run.
//
//   std::string why;
//   auto docker = DaemonServer::start(DaemonServer::Kind::kDocker, {.tcp = true}, why);
//   if (!docker) STRATA_SKIP_OR_FAIL() << why;          // dockerd missing or did not come up
//   ASSERT_EQ(docker->load(fixture), "");               // `docker load -i`, "" on success
//   ScopedEnv host("DOCKER_HOST", docker->unix_host());
//
// The engines run as support/subprocess.hpp children, their output in a log file that
// log_tail() shows when something fails.
//
// Thread safety: none (GoogleTest runs tests one after another). Errors are returned as text
// naming the command and the last lines of its log.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test {

class DaemonServer {
 public:
  enum class Kind { kDocker, kPodman };
  struct Options {
    bool tcp = false;  // dockerd only: also listen on tcp://127.0.0.1:PORT
  };

  // Starts the engine and waits until its API answers /_ping. nullptr, with the reason in
  // `why`, when the tool is not installed or does not come up.
  static std::unique_ptr<DaemonServer> start(Kind kind, Options options, std::string& why);
  ~DaemonServer();
  DaemonServer(const DaemonServer&) = delete;
  DaemonServer& operator=(const DaemonServer&) = delete;

  std::string unix_host() const { return "unix://" + socket_; }  // for DOCKER_HOST
  const std::string& socket_path() const { return socket_; }
  std::string tcp_host() const;  // "tcp://127.0.0.1:PORT", "" without Options::tcp
  const std::string& dir() const { return dir_; }  // private, short; removed at the end

  // Loads a docker-archive into the engine (docker load / podman load). "" on success, else
  // the command and its output.
  std::string load(const std::string& archive);
  std::string log_tail() const;  // the engine's last log lines, for failure messages

 private:
  DaemonServer(Kind kind, std::string dir);
  std::string start_process(const Options& options);
  std::vector<std::string> client_command() const;

  Kind kind_;
  std::string dir_;
  std::string socket_;
  int tcp_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

// Whether an HTTP GET of `path` on the API socket answers 200 (a raw HTTP/1.0 request: the
// support library links no HTTP client).
bool api_answers(const std::string& socket_path, const std::string& path);

}  // namespace strata::test
