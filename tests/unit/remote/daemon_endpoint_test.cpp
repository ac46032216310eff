// Where docker-daemon: and podman: look for their engine: DOCKER_HOST / CONTAINER_HOST as the
// engines' own clients read them, unix sockets and loopback-only tcp, and the defaults.
#include "daemon_endpoint.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "support/test_env.hpp"

namespace strata {
namespace {

using test::ScopedEnv;

TEST(DaemonEndpoint, UnixSocket) {
  auto e = parse_daemon_endpoint("unix:///run/user/1000/docker.sock", "DOCKER_HOST");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->unix_socket, "/run/user/1000/docker.sock");
  EXPECT_EQ(e->display, "unix:///run/user/1000/docker.sock");
  EXPECT_EQ(e->base_url, "http://localhost");
}

TEST(DaemonEndpoint, LoopbackTcpHosts) {
  struct Case {
    const char* url;
    const char* base;
  };
  for (const Case& c : {Case{"tcp://127.0.0.1:2376", "http://127.0.0.1:2376"},
                        Case{"tcp://127.8.9.10:1234/", "http://127.8.9.10:1234"},
                        Case{"tcp://localhost", "http://localhost:2375"},
                        Case{"tcp://[::1]:2375", "http://[::1]:2375"}}) {
    auto e = parse_daemon_endpoint(c.url, "DOCKER_HOST");
    ASSERT_TRUE(e) << c.url << ": " << e.error().message;
    EXPECT_EQ(e->base_url, c.base) << c.url;
    EXPECT_EQ(e->unix_socket, "") << c.url;
  }
}

TEST(DaemonEndpoint, NonLoopbackTcpIsRefusedNamingTheVariable) {
  for (const char* url :
       {"tcp://10.0.0.5:2375", "tcp://docker.example.com:2376", "tcp://127.0.0.1.example.com:2375",
        "tcp://localhost.example.com", "tcp://[2001:db8::1]:2375"}) {
    auto e = parse_daemon_endpoint(url, "DOCKER_HOST");
    ASSERT_FALSE(e) << url;
    EXPECT_NE(e.error().message.find(std::string("DOCKER_HOST=") + url), std::string::npos)
        << e.error().message;
    EXPECT_NE(e.error().message.find("loopback"), std::string::npos) << e.error().message;
  }
}

TEST(DaemonEndpoint, OtherSchemesAndEmptyPathsAreClearErrors) {
  for (const char* url :
       {"ssh://user@host", "npipe:////./pipe/docker_engine", "unix://", "/var/run/docker.sock",
        "tcp://[::1:2375", "tcp://127.0.0.1:http", "tcp://127.0.0.1:"}) {
    auto e = parse_daemon_endpoint(url, "CONTAINER_HOST");
    ASSERT_FALSE(e) << url;
    EXPECT_NE(e.error().message.find(std::string("CONTAINER_HOST=") + url), std::string::npos)
        << e.error().message;
  }
}

TEST(DaemonEndpoint, DockerHostOrTheDefaultSocket) {
  {
    ScopedEnv host("DOCKER_HOST", std::nullopt);
    auto e = resolve_daemon_endpoint(DaemonKind::kDocker);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->unix_socket, "/var/run/docker.sock");
  }
  ScopedEnv host("DOCKER_HOST", "unix:///tmp/d.sock");
  auto e = resolve_daemon_endpoint(DaemonKind::kDocker);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->unix_socket, "/tmp/d.sock");
}

TEST(DaemonEndpoint, PodmanReadsContainerHostNotDockerHost) {
  ScopedEnv docker("DOCKER_HOST", "unix:///tmp/docker.sock");
  ScopedEnv podman("CONTAINER_HOST", "unix:///tmp/podman.sock");
  auto e = resolve_daemon_endpoint(DaemonKind::kPodman);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->unix_socket, "/tmp/podman.sock");
}

TEST(DaemonEndpoint, PodmanDefaultIsTheRootfulOrTheRootlessSocket) {
  ScopedEnv podman("CONTAINER_HOST", std::nullopt);
  ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/4242");
  auto e = resolve_daemon_endpoint(DaemonKind::kPodman);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->unix_socket,
            ::geteuid() == 0 ? "/run/podman/podman.sock" : "/run/user/4242/podman/podman.sock");
}

}  // namespace
}  // namespace strata
