// Where reports go (--report FORMAT=PATH, atomic --output) and base-image attribution, on real
// images built by buildah and Docker.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::run_strata;

TEST(OutputTest, SeveralReportsInOneRun) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string json = dir.path() + "/r.json", sarif = dir.path() + "/r.sarif";
  auto run = run_strata({"scan", image, "--report", "json=" + json, "--report", "sarif=" + sarif});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("finding"), std::string::npos);  // text still on stdout
  nlohmann::json j = nlohmann::json::parse(test::read_file(json));
  nlohmann::json s = nlohmann::json::parse(test::read_file(sarif));
  EXPECT_EQ(j["findings"].size(), s["runs"][0]["results"].size());
  EXPECT_GT(j["findings"].size(), 0u);
}

TEST(OutputTest, OnlyOneReportMayGoToStdout) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  auto run = run_strata({"scan", image, "--report", "json=-"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("stdout"), std::string::npos);
}

TEST(OutputTest, FailedOutputLeavesNoPartialFile) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string target = dir.path() + "/missing-dir/out.json";
  auto run = run_strata({"scan", image, "-f", "json", "-o", target});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("missing-dir"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(OutputTest, OutputReplacesAnExistingFileWhole) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string target = dir.path() + "/out.json";
  test::write_file(target, std::string(1 << 20, 'x'));  // longer than the report
  auto run = run_strata({"scan", image, "-f", "json", "-o", target});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(nlohmann::json::accept(test::read_file(target)));
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);  // no temporary file left behind
}

// `-o /dev/null` once replaced the device with a regular file (temp file + rename). A FIFO
// stands in for the device here: it must still be a FIFO afterwards, and the reader at its
// other end gets the whole report. The reader polls a non-blocking end, so a regression fails
// the test instead of hanging it.
TEST(OutputTest, OutputToAFifoIsWrittenInPlace) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::string fifo = dir.path() + "/report.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  std::atomic<bool> done{false};
  std::string received;
  std::thread reader([&] {
    char buffer[1 << 16];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      ::poll(&p, 1, 50);
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        received.append(buffer, static_cast<size_t>(n));
      } else if (done) {
        break;
      }
    }
  });
  auto run = run_strata({"scan", image, "-f", "json", "-o", fifo});
  done = true;
  reader.join();
  ::close(fd);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_TRUE(nlohmann::json::accept(received));
}

TEST(OutputTest, OutputThroughASymlinkReplacesTheFileItNames) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  test::TempDir dir;
  std::filesystem::create_directory(dir.path() + "/real");
  std::string file = dir.path() + "/real/out.json", link = dir.path() + "/out.json";
  test::write_file(file, "old");
  std::filesystem::create_symlink("real/out.json", link);
  auto run = run_strata({"scan", image, "-f", "json", "-o", link});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_TRUE(nlohmann::json::accept(test::read_file(file)));
}

TEST(BaseImageTest, BuildahRecordsItsBaseAndFindingsSayTheyAreOwnBuild) {
  std::string image = test::real_fixture("buildah-leaky.oci-gzip");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.oci-gzip missing";
  auto run = run_strata({"scan", "oci:" + image, "-f", "json"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  nlohmann::json j = nlohmann::json::parse(run.out);
  const auto& base = j["images"][0]["base_image"];
  EXPECT_EQ(base["name"], "localhost/fixture/base:latest");
  EXPECT_EQ(base["first_own_layer"], 1);
  size_t own = 0;
  for (const auto& f : j["findings"]) {
    for (const auto& l : f["locations"]) {
      if (l["kind"] == "layer-file") {
        EXPECT_EQ(l["origin"], l["layer_index"].get<int>() >= 1 ? "own-build" : "base-image");
        own += l["origin"] == "own-build" ? 1 : 0;
      }
    }
  }
  EXPECT_GT(own, 0u);
  // Every leak is the build's own: --ignore-base changes nothing.
  auto ignoring = run_strata({"scan", "oci:" + image, "-f", "json", "--ignore-base"});
  EXPECT_EQ(ignoring.exit_code, 1) << ignoring.err;
}

TEST(BaseImageTest, DockerClassicRecordsNoBase) {
  std::string image = test::real_fixture("docker-classic.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture docker-classic.docker.tar missing";
  auto run = run_strata({"scan", image, "-f", "json"});
  nlohmann::json j = nlohmann::json::parse(run.out);
  EXPECT_FALSE(j["images"][0].contains("base_image"));
  for (const auto& f : j["findings"]) {
    for (const auto& l : f["locations"]) EXPECT_EQ(l["origin"], "unknown");
  }
}

}  // namespace
}  // namespace strata
