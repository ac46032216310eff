// `strata sweep` over a real docker-registry: every repository and tag its catalog lists (and
// the --repo / --tag globs select), or the references of --images-from, scanned and recorded
// into the findings store; `strata query` then finds each image.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/image_writer.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/registry_server.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

class SweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leaky_ = real_fixture("buildah-leaky.oci-gzip");
    clean_ = real_fixture("clean.oci");
    ASSERT_FALSE(leaky_.empty() || clean_.empty()) << "real fixtures missing";
    STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kNone);
    server_ = std::make_unique<RegistryServer>();
    for (const char* repo_tag : {"team/app:1", "team/app:2", "team/api:1"}) {
      ASSERT_TRUE(server_->push("oci:" + leaky_ + ":latest", repo_tag).ok) << repo_tag;
    }
    ASSERT_TRUE(server_->push("oci:" + clean_ + ":latest", "tools/base:1").ok);
    db_ = dir_.path() + "/sweep.db";
  }

  json query(std::vector<std::string> args) {
    args.insert(args.begin(), {"query", "--db", db_, "--format", "json"});
    RunResult r = run_strata(args);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    json j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  std::set<std::string> images_answered(const json& answer) {
    std::set<std::string> out;
    for (const json& row : answer["locations"]) {
      out.insert(str(row, "repository") + ":" + str(row, "tag"));
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<RegistryServer> server_;
  std::string leaky_, clean_, db_;
};

TEST_F(SweepTest, EveryTagOfTheSelectedRepositoriesIsScannedAndRecorded) {
  RunResult r = run_strata({"sweep", server_->host(), "--repo", "team/*", "--db", db_});
  ASSERT_EQ(r.exit_code, 1) << describe(r);  // findings
  EXPECT_NE(r.out.find(server_->host() + "/team/app:2: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("tools/base"), std::string::npos) << r.out;  // not selected
  EXPECT_NE(r.out.find("3 image reference(s) swept"), std::string::npos) << r.out;

  const RealScan& scan = scan_cached({"oci:" + leaky_});
  ASSERT_FALSE(findings_of(scan.json_report).empty()) << describe(scan.run);
  const json& first = findings_of(scan.json_report)[0];
  json answer = query({"--fingerprint", str(first, "fingerprint")});
  EXPECT_EQ(images_answered(answer),
            (std::set<std::string>{"team/app:1", "team/app:2", "team/api:1"}));
}

TEST_F(SweepTest, TagGlobsAndImagesFromSelectWhatIsSwept) {
  RunResult tagged = run_strata({"sweep", server_->host(), "--tag", "2", "--db", db_});
  ASSERT_EQ(tagged.exit_code, 1) << describe(tagged);
  EXPECT_NE(tagged.out.find("1 image reference(s) swept"), std::string::npos) << tagged.out;

  write_file(dir_.path() + "/refs.txt", "# images to sweep\n" + server_->host() +
                                            "/tools/base:1\n\n" + server_->host() +
                                            "/team/api:1\n");
  RunResult listed = run_strata({"sweep", "--images-from", dir_.path() + "/refs.txt", "--db", db_});
  ASSERT_EQ(listed.exit_code, 1) << describe(listed);
  EXPECT_NE(listed.out.find("tools/base:1: 0 finding(s)"), std::string::npos) << listed.out;
  json all = query({});
  EXPECT_EQ(images_answered(all), (std::set<std::string>{"team/app:2", "team/api:1"}));
}

TEST_F(SweepTest, AnImageThatCannotBeFetchedIsExit2AndTheOthersAreStillRecorded) {
  write_file(dir_.path() + "/refs.txt",
             server_->host() + "/team/app:1\n" + server_->host() + "/team/missing:1\n");
  RunResult r = run_strata({"sweep", "--images-from", dir_.path() + "/refs.txt", "--db", db_});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("team/missing"), std::string::npos) << r.err;
  EXPECT_EQ(images_answered(query({})), (std::set<std::string>{"team/app:1"}));
}

// --latest N keeps, of each repository, the N tags whose images were created last.
TEST_F(SweepTest, LatestKeepsTheNewestTagsOfEachRepository) {
  // Three small images created on days unlike the order of their tags' names (the catalog's).
  for (auto [tag, day] : {std::pair{"v1", "09"}, std::pair{"v2", "01"}, std::pair{"v3", "05"}}) {
    TestImage image;
    image.layers.push_back(
        {TarWriter().add_file("etc/version", tag).finish(), TestCompression::kGzip, ""});
    image.config["created"] = std::string("2024-03-") + day + "T10:00:00Z";
    image.ref_name = "latest";
    std::string layout = dir_.path() + "/layout-" + tag;
    write_oci_layout(layout, {image});
    ASSERT_TRUE(server_->push("oci:" + layout + ":latest", std::string("team/dated:") + tag).ok);
  }
  RunResult r =
      run_strata({"sweep", server_->host(), "--repo", "team/dated", "--latest", "2", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("2 image reference(s) swept"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/team/dated:v1: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/team/dated:v3: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/team/dated:v2: "), std::string::npos) << r.out;
}

// Every layer blob is downloaded once however many images share it, counted from the
// registry's own access log; a second sweep of the unchanged registry downloads no blob at all
// (manifests only) and leaves the same findings in the store.
// The stored locations without their sighting times and sweeps (which move by design).
std::string query_rows(const std::string& db) {
  RunResult r = run_strata({"query", "--db", db, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  json answer = json::parse(r.out, nullptr, false);
  if (answer.is_discarded()) return "";
  std::vector<std::string> rows;
  for (json row : answer["locations"]) {
    for (const char* key : {"first_seen", "last_seen", "first_seen_sweep", "last_seen_sweep"}) {
      row.erase(key);
    }
    rows.push_back(row.dump());
  }
  std::ranges::sort(rows);
  std::string text;
  for (const std::string& row : rows) text += row + "\n";
  return text;
}

TEST(SweepOnceTest, EveryLayerBlobIsFetchedOnceAndASecondSweepFetchesNone) {
  std::string leaky = real_fixture("buildah-leaky.oci-gzip");
  std::string multistage = real_fixture("buildah-multistage.docker.tar");
  ASSERT_FALSE(leaky.empty() || multistage.empty()) << "real fixtures missing";
  STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kNone);
  RegistryServerOptions options;
  options.access_log = true;
  RegistryServer server(options);
  for (const char* tag : {"team/app:1", "team/app:2", "team/api:1"}) {
    ASSERT_TRUE(server.push("oci:" + leaky + ":latest", tag).ok) << tag;
  }
  ASSERT_TRUE(server.push("docker-archive:" + multistage, "team/multi:1").ok);
  std::set<std::string> configs;
  for (const std::string& image : {"oci:" + leaky, multistage}) {
    for (const json& summary : scan_cached({image}).json_report["images"]) {
      configs.insert(str(summary, "config_digest"));
    }
  }
  TempDir dir;
  std::string db = dir.path() + "/sweep.db";
  size_t before = server.registry_log().size();
  RunResult first = run_strata({"sweep", server.host(), "--db", db});
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  std::map<std::string, int> gets;
  uint64_t fetched = 0;
  std::map<std::string, uint64_t> unique;
  for (const auto& [digest, bytes] : server.blob_gets(before)) {
    if (configs.contains(digest)) continue;
    ++gets[digest];
    fetched += bytes;
    unique[digest] = bytes;
  }
  ASSERT_GE(gets.size(), 3u) << server.registry_log();
  uint64_t unique_bytes = 0;
  for (const auto& [digest, count] : gets) {
    EXPECT_EQ(count, 1) << digest;
    unique_bytes += unique[digest];
  }
  EXPECT_LE(fetched, unique_bytes * 105 / 100);

  std::string first_rows = query_rows(db);
  before = server.registry_log().size();
  RunResult second = run_strata({"sweep", server.host(), "--db", db});
  ASSERT_EQ(second.exit_code, 1) << describe(second);
  EXPECT_NE(second.out.find(" 0 layer(s) scanned now"), std::string::npos) << second.out;
  // Unchanged manifests are recorded from the store: not even a config is fetched.
  for (const auto& [digest, bytes] : server.blob_gets(before)) {
    ADD_FAILURE() << (configs.contains(digest) ? "config " : "layer ") << digest
                  << " fetched again";
  }
  EXPECT_NE(second.out.find("4 unchanged"), std::string::npos) << second.out;
  EXPECT_EQ(query_rows(db), first_rows);
}

}  // namespace
}  // namespace strata::test::real
