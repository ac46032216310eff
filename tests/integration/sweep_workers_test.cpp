// Sweeps that scale out and resume, over a real docker-registry holding 21 small images (three
// repositories, two base layers shared between them, leaks in shared and in unique layers):
// --shard K/N splits the references exactly; a sweep killed with SIGKILL at several points and
// rerun stores what an uninterrupted sweep stores; three workers on one PostgreSQL sweep, one
// killed mid-sweep, store what one process stores on SQLite.
#include <gtest/gtest.h>
#include <signal.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support/image_writer.hpp"
#include "support/postgres_server.hpp"
#include "support/registry_server.hpp"
#include "support/subprocess.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

std::string describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err.substr(0, 2000) +
         "\nstdout: " + r.out.substr(0, 2000);
}

// An AWS access key id made at run time (never a literal in the source).
std::string fake_key_id(std::mt19937& rng) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string key = std::string("AK") + "IA";
  for (int i = 0; i < 16; ++i) key += alphabet[rng() % alphabet.size()];
  return key;
}

std::string layer(const std::string& path, const std::string& text) {
  return TarWriter().add_file(path, text).finish();
}

class SweepWorkersTest : public ::testing::Test {
 protected:
  static constexpr int kImages = 21;

  void SetUp() override {
    STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kNone);
    if (!registry_) push_images();
    ASSERT_TRUE(registry_) << "the test registry could not be filled";
  }

  // Repositories team/a and team/b share one leaky base layer, tools/c has its own clean one;
  // every third image adds a leak of its own.
  static void push_images() {
    auto server = std::make_unique<RegistryServer>();
    std::mt19937 rng(std::random_device{}());
    std::string base_ab = layer("etc/app.env", "AWS_ACCESS_KEY_ID=" + fake_key_id(rng) + "\n");
    std::string base_c = layer("etc/os-release", "ID=test\n");
    const char* repos[] = {"team/a", "team/b", "tools/c"};
    for (int i = 0; i < kImages; ++i) {
      std::string repo = repos[i % 3];
      TestImage image;
      image.layers.push_back({repo == "tools/c" ? base_c : base_ab, TestCompression::kGzip, ""});
      std::string own = i % 3 == 1 ? "key=" + fake_key_id(rng) + "\n" : "v" + std::to_string(i);
      image.layers.push_back({layer("app/" + std::to_string(i), own), TestCompression::kGzip, ""});
      image.ref_name = "latest";
      std::string dir = dir_->path() + "/image-" + std::to_string(i);
      write_oci_layout(dir, {image});
      std::string tag = repo + ":" + std::to_string(i);
      if (!server->push("oci:" + dir + ":latest", tag).ok) return;
      refs_.push_back(server->host() + "/" + tag);
    }
    write_file(dir_->path() + "/refs.txt", [] {
      std::string text;
      for (const std::string& ref : refs_) text += ref + "\n";
      return text;
    }());
    registry_ = std::move(server);
  }

  static std::string refs_file() { return dir_->path() + "/refs.txt"; }

  // The stored answer to `strata query` as sorted rows without sighting times and sweep ids
  // (which differ between runs by design).
  static std::vector<std::string> stored_rows(const std::string& db) {
    RunResult r = run_strata({"query", "--db", db, "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    json answer = json::parse(r.out, nullptr, false);
    std::vector<std::string> rows;
    if (answer.is_discarded()) return rows;
    for (json row : answer["locations"]) {
      for (const char* key : {"first_seen", "last_seen", "first_seen_sweep", "last_seen_sweep"}) {
        row.erase(key);
      }
      rows.push_back(row.dump());
    }
    std::ranges::sort(rows);
    return rows;
  }

  // The references a sweep's output lines name ("REF: N finding(s)").
  static std::vector<std::string> swept(const std::string& out) {
    std::vector<std::string> found;
    for (const std::string& ref : refs_) {
      for (size_t at = out.find(ref + ": "); at != std::string::npos;
           at = out.find(ref + ": ", at + 1)) {
        found.push_back(ref);
      }
    }
    return found;
  }

  static std::vector<std::string> uninterrupted_rows() {
    static std::vector<std::string> rows = [] {
      std::string db = dir_->path() + "/uninterrupted.db";
      RunResult r = run_strata({"sweep", "--images-from", refs_file(), "--db", db});
      EXPECT_EQ(r.exit_code, 1) << describe(r);
      return stored_rows(db);
    }();
    return rows;
  }

  static inline std::unique_ptr<TempDir> dir_ = std::make_unique<TempDir>();
  static inline std::unique_ptr<RegistryServer> registry_;
  static inline std::vector<std::string> refs_;
  TempDir tmp_;
};

TEST_F(SweepWorkersTest, ShardsCoverEveryReferenceExactlyOnce) {
  std::multiset<std::string> covered;
  for (int k = 0; k < 3; ++k) {
    std::string db = tmp_.path() + "/shard-" + std::to_string(k) + ".db";
    RunResult r = run_strata(
        {"sweep", "--images-from", refs_file(), "--shard", std::to_string(k) + "/3", "--db", db});
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << describe(r);
    std::vector<std::string> mine = swept(r.out);
    EXPECT_FALSE(mine.empty()) << "shard " << k << " got nothing:\n" << r.out;
    covered.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(covered, std::multiset<std::string>(refs_.begin(), refs_.end()));
}

TEST_F(SweepWorkersTest, AShardThatIsNotKOfNIsExit2) {
  for (const char* bad : {"3/3", "1", "a/2", "0/0"}) {
    RunResult r = run_strata(
        {"sweep", "--images-from", refs_file(), "--shard", bad, "--db", tmp_.path() + "/x.db"});
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << describe(r);
    EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  }
}

// Killed after the k-th image (k from the seed; 0: before any) and rerun: the rerun joins the
// same sweep, sweeps only what was left and stores exactly what one uninterrupted run stores.
TEST_F(SweepWorkersTest, ASweepKilledAtRandomPointsAndRerunEqualsAnUninterruptedOne) {
  std::vector<std::string> expected = uninterrupted_rows();
  ASSERT_FALSE(expected.empty());
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    size_t kill_after = rng() % (refs_.size() - 1);
    std::string db = tmp_.path() + "/killed-" + std::to_string(seed) + ".db";
    {
      Subprocess sweep({STRATA_BINARY, "sweep", "--images-from", refs_file(), "--db", db});
      for (size_t line = 0; line < kill_after; ++line) {
        ASSERT_TRUE(sweep.read_line(std::chrono::seconds(20))) << "seed " << seed;
      }
      ::kill(sweep.pid(), SIGKILL);
      sweep.wait_for_exit(std::chrono::seconds(10));
    }
    RunResult rerun = run_strata({"sweep", "--images-from", refs_file(), "--db", db});
    ASSERT_EQ(rerun.exit_code, 1) << "seed " << seed << "\n" << describe(rerun);
    EXPECT_LE(swept(rerun.out).size(), refs_.size() - kill_after) << rerun.out;
    EXPECT_NE(rerun.out.find(" ended: 21 image(s)"), std::string::npos) << rerun.out;
    EXPECT_EQ(stored_rows(db), expected) << "seed " << seed;
  }
}

// Two processes started at once on one SQLite file share the sweep: each image is swept by one
// of them, and the store holds what one process stores.
TEST_F(SweepWorkersTest, TwoWorkersOnOneSqliteFileSweepEachImageOnce) {
  std::string db = tmp_.path() + "/shared.db";
  auto worker = [&](const std::string& name) {
    return std::vector<std::string>{STRATA_BINARY, "sweep", "--images-from", refs_file(),
                                    "--db",        db,      "--worker",      name};
  };
  // Each worker's diagnostics go to a file of its own, shown when it fails.
  auto logged = [&](const std::string& name) {
    SubprocessOptions options;
    options.stderr_file = tmp_.path() + "/" + name + ".err";
    return options;
  };
  Subprocess first(worker("w1"), {}, logged("w1"));
  Subprocess second(worker("w2"), {}, logged("w2"));
  std::string out;
  for (Subprocess* each : {&first, &second}) {
    while (auto line = each->read_line(std::chrono::seconds(60))) out += *line + "\n";
    auto status = each->wait_for_exit(std::chrono::seconds(10));
    std::string errors = read_file(tmp_.path() + "/w1.err") + read_file(tmp_.path() + "/w2.err");
    ASSERT_TRUE(status && WIFEXITED(*status)) << out << errors;
    EXPECT_EQ(WEXITSTATUS(*status), 1) << out << errors;
  }
  std::vector<std::string> lines = swept(out);
  EXPECT_EQ(std::multiset<std::string>(lines.begin(), lines.end()),
            std::multiset<std::string>(refs_.begin(), refs_.end()))
      << out;
  EXPECT_EQ(stored_rows(db), uninterrupted_rows());
}

// Three workers on one PostgreSQL sweep; the first is killed after its first image, and its
// claims go to the others when its 2-second lease runs out.
TEST_F(SweepWorkersTest, ThreeWorkersOnPostgresOneKilledStoreWhatOneSqliteSweepStores) {
  std::string why;
  auto postgres = PostgresServer::start(&why);
  if (!postgres) STRATA_SKIP_OR_FAIL() << why;
  ASSERT_TRUE(postgres->create_database("sweep_workers"));
  std::string url = postgres->url("sweep_workers");
  auto worker = [&](const std::string& name) {
    return std::vector<std::string>{STRATA_BINARY, "sweep", "--images-from", refs_file(),
                                    "--db",        url,     "--worker",      name,
                                    "--lease",     "2",     "--jobs",        "1"};
  };
  Subprocess doomed(worker("w1"));
  Subprocess second(worker("w2"));
  Subprocess third(worker("w3"));
  ASSERT_TRUE(doomed.read_line(std::chrono::seconds(30)));
  ::kill(doomed.pid(), SIGKILL);
  doomed.wait_for_exit(std::chrono::seconds(10));
  std::string out;
  for (Subprocess* survivor : {&second, &third}) {
    while (auto line = survivor->read_line(std::chrono::seconds(60))) out += *line + "\n";
    auto status = survivor->wait_for_exit(std::chrono::seconds(10));
    ASSERT_TRUE(status && WIFEXITED(*status)) << out;
    EXPECT_EQ(WEXITSTATUS(*status), 1) << out;
  }
  EXPECT_NE(out.find(" ended: "), std::string::npos) << out;
  EXPECT_EQ(stored_rows(url), uninterrupted_rows());
}

// deploy/kubernetes/sweep-job.yaml parses, takes the database URL, the store key and the
// registry credentials from Secrets, and its strata command line (with Kubernetes' $(VAR)
// expanded, the registry pointed at ours) sweeps a real registry into a real PostgreSQL.
TEST_F(SweepWorkersTest, TheKubernetesJobsCommandLineSweepsARealRegistryIntoPostgres) {
  YAML::Node job =
      YAML::LoadFile(std::string(STRATA_SOURCE_DIR) + "/deploy/kubernetes/sweep-job.yaml");
  ASSERT_EQ(job["kind"].as<std::string>(), "Job");
  EXPECT_GT(job["spec"]["parallelism"].as<int>(), 1);
  YAML::Node pod = job["spec"]["template"]["spec"];
  YAML::Node container = pod["containers"][0];
  std::map<std::string, std::string> secret_of;
  for (const YAML::Node& env : container["env"]) {
    if (env["valueFrom"] && env["valueFrom"]["secretKeyRef"]) {
      secret_of[env["name"].as<std::string>()] =
          env["valueFrom"]["secretKeyRef"]["name"].as<std::string>();
    }
  }
  EXPECT_TRUE(secret_of.contains("DATABASE_URL"));
  EXPECT_TRUE(secret_of.contains("STRATA_STORE_KEY"));
  bool auth_from_secret = false;
  for (const YAML::Node& volume : pod["volumes"]) auth_from_secret |= bool(volume["secret"]);
  EXPECT_TRUE(auth_from_secret) << "registry credentials are not mounted from a Secret";

  std::string why;
  auto postgres = PostgresServer::start(&why);
  if (!postgres) STRATA_SKIP_OR_FAIL() << why;
  ASSERT_TRUE(postgres->create_database("k8s_job"));
  std::vector<std::string> argv{STRATA_BINARY};
  for (const YAML::Node& arg : container["args"]) {
    std::string text = arg.as<std::string>();
    if (text == "$(DATABASE_URL)") text = postgres->url("k8s_job");
    if (text == "$(POD_NAME)") text = "strata-sweep-abcde";
    if (text == "registry.example.com") text = registry_->host();
    argv.push_back(text);
  }
  ASSERT_EQ(argv.at(1), "sweep");
  write_file(tmp_.path() + "/docker/config.json", "{\"auths\": {}}");
  Subprocess worker(argv, {"DOCKER_CONFIG=" + tmp_.path() + "/docker"});
  std::string out;
  while (auto line = worker.read_line(std::chrono::seconds(60))) out += *line + "\n";
  auto status = worker.wait_for_exit(std::chrono::seconds(10));
  ASSERT_TRUE(status && WIFEXITED(*status)) << out;
  EXPECT_EQ(WEXITSTATUS(*status), 0) << out;  // --exit-zero: findings are in the store
  EXPECT_NE(out.find(" ended: 14 image(s)"), std::string::npos) << out;  // team/a and team/b
}

}  // namespace
}  // namespace strata::test
