// docker-daemon: and podman: against real engines started by the tests (Debian's dockerd and
// `podman system service`, each on its own socket and storage): the image exported by the
// engine's API gives the same findings, fates and history steps as the docker-archive it was
// loaded from; a missing image, a dead socket and a non-loopback TCP host are clear errors
// (exit 2); DOCKER_HOST=tcp://127.0.0.1:PORT works; and the export's spool file never shows in
// TMPDIR, neither after a scan nor after one interrupted mid-export (SIGINT, SIGTERM, SIGKILL).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_server.hpp"
#include "support/python_server.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kFixture = "buildah-leaky.docker.tar";
constexpr const char* kImage = "localhost/fixture/buildah-leaky:latest";

size_t entries_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// Docker's export also writes each layer's legacy v1 `json`, the top one holding a copy of the
// image config (buildah's archive writes only ids there): a secret in the config is also found
// at "legacy-json <id>.config…". That is one more real place the same finding is stored.
bool is_legacy_json_copy(const json& location) {
  return str(location, "kind") == "config" &&
         str(location, "config_location").starts_with("legacy-json ");
}

// What must not depend on where the image came from: per location, the finding's and the
// location's fingerprints, the fate, the history step it maps to, the layer and the path.
std::set<std::string> location_keys(const json& report, bool with_legacy_json_copies = true) {
  std::set<std::string> keys;
  for (const json& f : findings_of(report)) {
    for (const json& l : f["locations"]) {
      if (!with_legacy_json_copies && is_legacy_json_copy(l)) continue;
      keys.insert(str(f, "fingerprint") + " " + str(l, "fingerprint") + " " + fate_kind(l) +
                  " step=" + std::to_string(num(l, "history_step").value_or(-1)) + " " +
                  str(l, "created_by") + " " + str(l, "layer_digest") + " " + str(l, "path"));
    }
  }
  return keys;
}

std::set<std::string> finding_fingerprints(const json& report) {
  std::set<std::string> fingerprints;
  for (const json& f : findings_of(report)) fingerprints.insert(str(f, "fingerprint"));
  return fingerprints;
}

std::string keys_text(const std::set<std::string>& keys) {
  std::string s;
  for (const std::string& k : keys) s += "\n  " + k;
  return s;
}

// A scan with the daemon endpoint in `variable` and TMPDIR pointing at an empty directory,
// which must still be empty afterwards.
RealScan scan_daemon(const std::string& target, const std::string& variable,
                     const std::string& host) {
  TempDir spool;
  ScopedEnv endpoint(variable, host), tmp("TMPDIR", spool.path());
  RealScan s = scan_json({target});
  EXPECT_EQ(entries_in(spool.path()), 0u) << "the scan of " << target << " left files in TMPDIR";
  return s;
}

void expect_same_as_archive(const RealScan& got, const std::string& target) {
  STRATA_REQUIRE_FIXTURE(archive, kFixture, "buildah");
  const RealScan& want = scan_cached({archive});
  ASSERT_EQ(want.run.exit_code, 1) << describe(want.run);
  ASSERT_EQ(got.run.exit_code, 1) << describe(got.run);
  auto want_keys = location_keys(want.json_report);
  auto got_keys = location_keys(got.json_report, false);
  ASSERT_FALSE(want_keys.empty());
  EXPECT_EQ(got_keys, want_keys) << "docker-archive:" << keys_text(want_keys) << "\n"
                                 << target << ":" << keys_text(got_keys);
  EXPECT_EQ(finding_fingerprints(got.json_report), finding_fingerprints(want.json_report));
  // The report names what the user typed, not where the export was spooled.
  const json& images = got.json_report["images"];
  ASSERT_EQ(images.size(), 1u) << got.json_report.dump().substr(0, 2000);
  EXPECT_EQ(str(images[0], "source"), target);
  EXPECT_EQ(str(images[0], "reference"), kImage);
  EXPECT_EQ(got.run.out.find("/proc/self/fd"), std::string::npos);
}

// One engine per suite, with the fixture loaded: dockerd takes seconds to start.
template <DaemonServer::Kind kKind, bool kTcp>
class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string fixture = real_fixture(kFixture);
    if (fixture.empty()) {
      why_ = std::string("fixture ") + kFixture + " missing";
      return;
    }
    engine_ = DaemonServer::start(kKind, {.tcp = kTcp}, why_);
    if (engine_) why_ = engine_->load(fixture);
    if (!why_.empty()) engine_.reset();
  }
  static void TearDownTestSuite() { engine_.reset(); }
  void SetUp() override {
    if (!engine_) STRATA_SKIP_OR_FAIL() << "no container engine for the test: " << why_;
  }
  static inline std::unique_ptr<DaemonServer> engine_;
  static inline std::string why_;
};

using DockerDaemonTest = EngineTest<DaemonServer::Kind::kDocker, true>;
using PodmanServiceTest = EngineTest<DaemonServer::Kind::kPodman, false>;

// net's fault_proxy.py in front of the engine's TCP port, faulting the image export (GET
// …/get) with `fault` (e.g. {"--stall-after", "262144"}). Its port, or 0 when it did not start.
int start_fault_proxy(const DaemonServer& engine, const std::vector<std::string>& fault,
                      std::unique_ptr<Subprocess>& proxy) {
  std::vector<std::string> args = {"--upstream", "http://" + engine.tcp_host().substr(6),
                                   "--path-regex", "/get$"};
  args.insert(args.end(), fault.begin(), fault.end());
  try {
    PythonServer started = start_python_server("fault_proxy.py", args);
    proxy = std::move(started.process);
    return std::atoi(started.first_line.c_str());
  } catch (const std::runtime_error&) {
    return 0;
  }
}

TEST_F(DockerDaemonTest, SameFindingsFatesAndHistoryAsTheDockerArchive) {
  std::string target = std::string("docker-daemon:") + kImage;
  expect_same_as_archive(scan_daemon(target, "DOCKER_HOST", engine_->unix_host()), target);
}

TEST_F(DockerDaemonTest, LoopbackTcpHostWorks) {
  std::string target = std::string("docker-daemon:") + kImage;
  expect_same_as_archive(scan_daemon(target, "DOCKER_HOST", engine_->tcp_host()), target);
}

// fault_proxy.py relays the engine's chunked export close-delimited, so a cut there looks like
// a complete body to the client: the archive check must catch it (manifest.json comes last),
// rather than the export passing for a plain tar.
TEST_F(DockerDaemonTest, ExportCutShortIsExit2NamingTheImage) {
  std::unique_ptr<Subprocess> proxy;
  int port = start_fault_proxy(*engine_, {"--drop-after", "262144", "--times", "1"}, proxy);
  ASSERT_GT(port, 0) << "fault_proxy.py did not start";
  std::string target = std::string("docker-daemon:") + kImage;
  RealScan s = scan_daemon(target, "DOCKER_HOST", "tcp://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find(target + ": not a docker-archive"), std::string::npos) << s.run.err;
  EXPECT_EQ(s.run.err.find("/proc/self/fd"), std::string::npos) << s.run.err;
  EXPECT_TRUE(findings_of(s.json_report).empty()) << "findings from a broken export";
}

// Exit 2, naming the image as typed and where it was looked for.
void expect_no_such_image(const std::string& prefix, const std::string& variable,
                          const std::string& where) {
  std::string target = prefix + "localhost/fixture/no-such-image:1";
  RealScan s = scan_daemon(target, variable, where.substr(where.find("unix://")));
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find(target + ": no such image in " + where), std::string::npos) << s.run.err;
}

TEST_F(DockerDaemonTest, MissingImageIsExit2NamingTheImageAndTheEngine) {
  expect_no_such_image("docker-daemon:", "DOCKER_HOST",
                       "the Docker Engine at " + engine_->unix_host());
}

TEST_F(DockerDaemonTest, MissingSocketIsExit2AskingWhetherTheEngineRuns) {
  TempDir dir;
  std::string host = "unix://" + dir.path() + "/none.sock";
  RealScan s = scan_daemon(std::string("docker-daemon:") + kImage, "DOCKER_HOST", host);
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find("cannot reach the Docker Engine at " + host), std::string::npos)
      << s.run.err;
  EXPECT_NE(s.run.err.find("is it running?"), std::string::npos) << s.run.err;
}

// A socket file nobody listens on any more (the engine was killed): connection refused.
TEST_F(DockerDaemonTest, DeadSocketIsExit2AskingWhetherTheEngineRuns) {
  TempDir dir;
  std::string path = dir.path() + "/dead.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path;
  ::close(fd);
  RealScan s = scan_daemon(std::string("docker-daemon:") + kImage, "DOCKER_HOST", "unix://" + path);
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find("cannot reach the Docker Engine at unix://" + path), std::string::npos)
      << s.run.err;
  EXPECT_NE(s.run.err.find("is it running?"), std::string::npos) << s.run.err;
}

TEST_F(DockerDaemonTest, NonLoopbackTcpHostIsRefusedWithoutConnecting) {
  // 192.0.2.0/24 is reserved for documentation: nothing answers there.
  RealScan s =
      scan_daemon(std::string("docker-daemon:") + kImage, "DOCKER_HOST", "tcp://192.0.2.1:2375");
  EXPECT_EQ(s.run.exit_code, 2) << describe(s.run);
  EXPECT_NE(s.run.err.find("DOCKER_HOST=tcp://192.0.2.1:2375"), std::string::npos) << s.run.err;
  EXPECT_NE(s.run.err.find("loopback"), std::string::npos) << s.run.err;
}

// Needs no engine: the reference is refused before any connection.
TEST(DaemonReference, EmptyImageNameIsExit2) {
  for (const char* target : {"docker-daemon:", "podman:"}) {
    RunResult r = run_strata({"scan", target});
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find(std::string(target) + ": no image name"), std::string::npos) << r.err;
  }
}

// ---- interrupted mid-export ------------------------------------------------------------------

// Whether process `pid` holds a file open under `dir` (a spool file shows as "DIR/… (deleted)").
bool holds_file_under(pid_t pid, const std::string& dir) {
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    std::error_code link_ec;
    auto target = fs::read_symlink(fd.path(), link_ec).string();
    if (!link_ec && target.starts_with(dir + "/")) return true;
  }
  return false;
}

class InterruptedExportTest : public DockerDaemonTest, public ::testing::WithParamInterface<int> {};

TEST_P(InterruptedExportTest, LeavesNothingInTmpdir) {
  if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " missing";
  // The export stalls after its first 256 KiB: the scan is caught mid-export for as long as
  // the test needs.
  std::unique_ptr<Subprocess> proxy;
  int port = start_fault_proxy(*engine_, {"--stall-after", "262144"}, proxy);
  ASSERT_GT(port, 0) << "fault_proxy.py did not start";
  TempDir spool;
  Subprocess scan(
      {STRATA_BINARY, "scan", std::string("docker-daemon:") + kImage, "--format", "json"},
      {"DOCKER_HOST=tcp://127.0.0.1:" + std::to_string(port), "TMPDIR=" + spool.path()});
  // Mid-export: the scan holds its spool file open in TMPDIR, which lists nothing.
  bool spooling = false;
  for (int i = 0; i < 3000 && !spooling && !scan.has_exited(); ++i) {
    spooling = holds_file_under(scan.pid(), spool.path());
    if (!spooling) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(spooling) << "the scan never spooled into TMPDIR";
  EXPECT_EQ(entries_in(spool.path()), 0u) << "the spool file has a name in TMPDIR";
  ::kill(scan.pid(), GetParam());
  bool exited = false;
  for (int i = 0; i < 2000 && !exited; ++i) {
    exited = scan.has_exited();
    if (!exited) std::this_thread::sleep_for(milliseconds(10));
  }
  int status = scan.terminate();
  ASSERT_TRUE(exited) << "the scan did not exit within 20 s of signal " << GetParam();
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "an interrupted scan succeeded";
  EXPECT_EQ(entries_in(spool.path()), 0u) << "signal " << GetParam() << " left files in TMPDIR";
}

INSTANTIATE_TEST_SUITE_P(Signals, InterruptedExportTest,
                         ::testing::Values(SIGINT, SIGTERM, SIGKILL),
                         [](const auto& info) { return std::string(sigabbrev_np(info.param)); });

// ---- Podman ----------------------------------------------------------------------------------

TEST_F(PodmanServiceTest, SameFindingsFatesAndHistoryAsTheDockerArchive) {
  std::string target = std::string("podman:") + kImage;
  expect_same_as_archive(scan_daemon(target, "CONTAINER_HOST", engine_->unix_host()), target);
}

TEST_F(PodmanServiceTest, MissingImageIsExit2NamingTheImageAndTheService) {
  expect_no_such_image("podman:", "CONTAINER_HOST",
                       "the Podman service at " + engine_->unix_host());
}

}  // namespace
}  // namespace strata::test::real
