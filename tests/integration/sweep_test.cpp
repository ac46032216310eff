// `strata sweep` over a real docker-registry: every repository and tag its catalog lists (and
// the --repo / --tag globs select), or the references of --images-from, scanned and recorded
// into the findings store; `strata query` then finds each image.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/registry_server.hpp"
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
    for (const std::string& repo_tag : {"team/app:1", "team/app:2", "team/api:1"}) {
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

}  // namespace
}  // namespace strata::test::real
