// `strata scan … --db FILE` records real images into the findings store; `strata query`
// answers from it. Expectations come from the same scan's own JSON report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

class StoreQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leaky_ = real_fixture("buildah-leaky.oci-gzip");
    multistage_ = real_fixture("buildah-multistage.docker.tar");
    ASSERT_FALSE(leaky_.empty() || multistage_.empty()) << "real fixtures missing";
    db_ = dir_.path() + "/findings.db";
  }

  RunResult record(const std::string& image) {
    return run_strata({"scan", image, "--db", db_, "-q", "--output", dir_.path() + "/r.txt"});
  }

  json query(std::vector<std::string> args, const std::string& stdin_file = "") {
    args.insert(args.begin(), {"query", "--db", db_, "--format", "json"});
    RunResult r = run_strata(args, stdin_file);
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    json j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  }

  TempDir dir_;
  std::string leaky_, multistage_, db_;
};

size_t location_count(const json& finding) { return finding["locations"].size(); }

// The fingerprints of every finding of these reports whose secret is `value` (one secret may
// be found by several rules).
std::set<std::string> fingerprints_of_value(const std::vector<const json*>& reports,
                                            const std::string& value) {
  std::set<std::string> out;
  for (const json* report : reports) {
    for (const json& f : findings_of(*report)) {
      if (secret_value(f) == value) out.insert(str(f, "fingerprint"));
    }
  }
  return out;
}

// How the store names a scanned image: its manifest digest, or a legacy archive's config digest.
std::string stored_digest(const json& summary) {
  std::string manifest = str(summary, "manifest_digest");
  return manifest.empty() ? str(summary, "config_digest") : manifest;
}

TEST_F(StoreQueryTest, EveryFindingOfTheScanIsAnsweredBySecretFingerprintAndRule) {
  ASSERT_EQ(record(leaky_).exit_code, 1);
  ASSERT_EQ(record(multistage_).exit_code, 1);
  const RealScan& scan = scan_cached({leaky_});
  const RealScan& multi = scan_cached({multistage_});
  ASSERT_FALSE(findings_of(scan.json_report).empty()) << describe(scan.run);
  for (const json& f : findings_of(scan.json_report)) {
    std::string fingerprint = str(f, "fingerprint");
    json by_fingerprint = query({"--fingerprint", fingerprint.substr(0, 12), "--image",
                                 stored_digest(scan.json_report["images"][0])});
    EXPECT_EQ(by_fingerprint["count"], location_count(f)) << str(f, "rule_id");
    std::string value = secret_value(f);
    if (value.empty() || str(f, "rule_id").starts_with("file.")) continue;
    write_file(dir_.path() + "/secret.txt", value + "\n");
    json by_secret = query({"--secret-stdin"}, dir_.path() + "/secret.txt");
    std::set<std::string> expected =
        fingerprints_of_value({&scan.json_report, &multi.json_report}, value);
    std::set<std::string> answered;
    for (const json& row : by_secret["locations"]) answered.insert(str(row, "fingerprint"));
    EXPECT_EQ(answered, expected) << str(f, "rule_id");
  }
  for (const json& row : query({"--rule", "github.*"})["locations"]) {
    EXPECT_TRUE(str(row, "rule_id").starts_with("github.")) << row.dump();
  }
  for (const json& row : query({"--fate", "present"})["locations"]) {
    EXPECT_EQ(row["fate"], "present");
  }
}

TEST_F(StoreQueryTest, TheStoreHoldsNoSecretValueUnlessAsked) {
  ASSERT_EQ(record(leaky_).exit_code, 1);
  std::string bytes = read_file(db_);
  if (std::filesystem::exists(db_ + "-wal")) bytes += read_file(db_ + "-wal");
  const RealScan& scan = scan_cached({leaky_});
  size_t checked = 0;
  for (const json& f : findings_of(scan.json_report)) {
    std::string value = secret_value(f);
    if (value.size() < 12 || str(f, "rule_id").starts_with("file.")) continue;
    EXPECT_EQ(bytes.find(value), std::string::npos) << str(f, "rule_id");
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

// With --db the store is the scan's layer cache: a second scan of the same image reads every
// layer from it and reports the same findings; payloads sealed with another key read as absent.
TEST_F(StoreQueryTest, ASecondScanReadsEveryLayerFromTheStoreAndReportsTheSame) {
  auto scan_json = [&](const std::vector<std::string>& env) {
    RunResult r =
        run_strata_env({"scan", leaky_, "--db", db_, "--format", "json", "--reveal", "-q"}, env);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    json j = json::parse(r.out, nullptr, false);
    return j.is_discarded() ? json::object() : j;
  };
  json first = scan_json({});
  ASSERT_GT(first["stats"]["layers"].get<int>(), 1);
  EXPECT_EQ(first["stats"]["layers_cached"], 0);
  json second = scan_json({});
  EXPECT_EQ(second["stats"]["layers_cached"], second["stats"]["layers"]);
  EXPECT_EQ(second["findings"], first["findings"]);
  EXPECT_EQ(second["stats"]["files"], first["stats"]["files"]);
  std::string other_key(64, 'a');
  json other = scan_json({"STRATA_STORE_KEY=" + other_key});
  EXPECT_EQ(other["stats"]["layers_cached"], 0);
  EXPECT_EQ(other["findings"], first["findings"]);
}

// `query --image REF` rebuilds the scan's report of that image from the store: for every test
// image, the same findings (rule, fingerprint, severity, locations with fates and history steps)
// as `strata scan` of it, in JSON, and valid SARIF and GitLab reports. Remediation is not stored;
// an image read from a file is named by the store as "FILE:TAG" where the scan says "TAG".
TEST_F(StoreQueryTest, AnImagesStoredReportIsTheReportOfItsScan) {
  for (const char* name :
       {"buildah-leaky.oci-gzip", "buildah-leaky.docker.tar", "buildah-multistage.docker.tar",
        "buildah-squashed.oci", "docker-classic.docker.tar", "docker-buildkit.docker.tar",
        "clean.oci", "multi-platform.oci"}) {
    std::string image = real_fixture(name);
    ASSERT_FALSE(image.empty()) << name;
    std::string db = dir_.path() + "/" + name + ".db";
    RunResult scan = run_strata({"scan", image, "--db", db, "--format", "json", "-q"});
    ASSERT_LE(scan.exit_code, 1) << describe(scan);
    json scanned = json::parse(scan.out);
    auto comparable = [](json& findings) {
      for (json& f : findings) {
        f.erase("remediation");
        for (json& l : f["locations"]) l.erase("image");
      }
    };
    comparable(scanned["findings"]);
    std::set<std::string> digests;
    for (const json& summary : scanned["images"]) digests.insert(stored_digest(summary));
    for (const std::string& digest : digests) {
      RunResult r = run_strata({"query", "--db", db, "--image", digest, "--format", "json"});
      ASSERT_EQ(r.exit_code, 0) << describe(r);
      json stored = json::parse(r.out);
      comparable(stored["findings"]);
      if (digests.size() == 1) {
        EXPECT_EQ(stored["findings"], scanned["findings"]) << name;
      } else {  // several images in one archive: each one's findings are a part of the scan's
        for (const json& f : stored["findings"]) {
          bool found = false;
          for (const json& g : scanned["findings"])
            found = found || g["fingerprint"] == f["fingerprint"];
          EXPECT_TRUE(found) << name << " " << f.dump();
        }
      }
    }
  }
  RunResult sarif =
      run_strata({"query", "--db", dir_.path() + "/buildah-leaky.oci-gzip.db", "--image",
                  stored_digest(scan_cached({leaky_}).json_report["images"][0]), "--format",
                  "sarif", "--output", dir_.path() + "/stored.sarif"});
  ASSERT_EQ(sarif.exit_code, 0) << describe(sarif);
  EXPECT_GT(json::parse(read_file(dir_.path() + "/stored.sarif"))["runs"][0]["results"].size(), 0u);
  RunResult rows = run_strata({"query", "--db", db_, "--rule", "aws.*", "--format", "sarif"});
  EXPECT_EQ(rows.exit_code, 2) << "rows have no SARIF form: " << describe(rows);
}

TEST_F(StoreQueryTest, NewSinceLastSweepIsOnlyWhatTheNewestSweepFoundFirst) {
  ASSERT_EQ(record(leaky_).exit_code, 1);
  ASSERT_EQ(record(leaky_).exit_code, 1);  // the same image again: nothing new
  EXPECT_EQ(query({"--new-since", "last-sweep"})["count"], 0);
  ASSERT_EQ(record(multistage_).exit_code, 1);
  json fresh = query({"--new-since", "last-sweep"});
  ASSERT_GT(fresh["count"].get<size_t>(), 0u);
  const RealScan& multi = scan_cached({multistage_});
  std::string digest = stored_digest(multi.json_report["images"][0]);
  for (const json& row : fresh["locations"]) EXPECT_EQ(row["manifest_digest"], digest);
}

TEST_F(StoreQueryTest, AStoreThatCannotBeOpenedIsExit2) {
  write_file(dir_.path() + "/not-a-db", "plain text, not SQLite");
  RunResult scan = run_strata({"scan", leaky_, "--db", dir_.path() + "/not-a-db", "-q"});
  EXPECT_EQ(scan.exit_code, 2) << describe(scan);
  RunResult q = run_strata({"query", "--db", dir_.path() + "/not-a-db"});
  EXPECT_EQ(q.exit_code, 2) << describe(q);
  EXPECT_NE(q.err.find("not-a-db"), std::string::npos) << q.err;
}

}  // namespace
}  // namespace strata::test::real
