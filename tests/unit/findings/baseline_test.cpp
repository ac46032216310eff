#include "strata/findings/baseline.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_env.hpp"

namespace strata {
namespace {

using nlohmann::json;

std::string fp(char c) { return std::string(32, c); }

Finding finding(const std::string& fingerprint, std::vector<std::string> location_fps = {}) {
  Finding f;
  f.rule_id = "npm.access-token";
  f.fingerprint = fingerprint;
  for (const std::string& l : location_fps) {
    Location loc;
    loc.fingerprint = l;
    f.locations.push_back(loc);
  }
  return f;
}

std::string json_report(const std::vector<std::pair<std::string, std::string>>& findings) {
  json j;
  j["schema_version"] = 1;
  j["tool"] = {{"name", "strata"}};
  j["findings"] = json::array();
  for (const auto& [f, l] : findings) {
    j["findings"].push_back({{"fingerprint", f}, {"locations", {{{"fingerprint", l}}}}});
  }
  return j.dump();
}

TEST(BaselineTest, ReadsFindingAndLocationFingerprintsFromJson) {
  auto b = Baseline::parse(json_report({{fp('a'), fp('1')}, {fp('b'), fp('2')}}), "old.json");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->findings, (std::set<std::string>{fp('a'), fp('b')}));
  EXPECT_EQ(b->locations, (std::set<std::string>{fp('1'), fp('2')}));
}

TEST(BaselineTest, ReadsStrataSarif) {
  json sarif;
  sarif["version"] = "2.1.0";
  json result;
  result["partialFingerprints"] = {{"strataFingerprint/v1", fp('c')},
                                   {"strataLocationFingerprint/v1", fp('3')}};
  result["relatedLocations"] = {{{"properties", {{"location_fingerprint", fp('4')}}}}};
  sarif["runs"] = {{{"tool", {{"driver", {{"name", "strata"}}}}}, {"results", {result}}}};
  auto b = Baseline::parse(sarif.dump(), "old.sarif");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->findings, (std::set<std::string>{fp('c')}));
  EXPECT_EQ(b->locations, (std::set<std::string>{fp('3'), fp('4')}));
}

TEST(BaselineTest, RejectsSarifFromAnotherTool) {
  json sarif;
  sarif["runs"] = {{{"tool", {{"driver", {{"name", "gitleaks"}}}}}, {"results", json::array()}}};
  auto b = Baseline::parse(sarif.dump(), "other.sarif");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("other.sarif"), std::string::npos);
  EXPECT_NE(b.error().message.find("no run by strata"), std::string::npos);
}

TEST(BaselineTest, InvalidJsonNamesFileAndByteButNotContent) {
  std::string secret = std::string("gh") + "p_" + std::string(36, 'x');
  auto b = Baseline::parse("{\"findings\": [" + secret, "bad.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("baseline bad.json: invalid JSON at byte"), std::string::npos);
  EXPECT_EQ(b.error().message.find(secret.substr(0, 10)), std::string::npos);
}

TEST(BaselineTest, RejectsJsonThatIsNotAReport) {
  auto b = Baseline::parse(R"({"hello": 1})", "x.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("not a strata report"), std::string::npos);
}

TEST(BaselineTest, RejectsFindingWithoutFingerprint) {
  auto b = Baseline::parse(R"({"schema_version": 1, "findings": [{"rule_id": "x"}]})", "x.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("findings[0]"), std::string::npos);
}

TEST(BaselineTest, RejectsUnknownSchemaVersion) {
  auto b = Baseline::parse(R"({"schema_version": 9, "findings": []})", "x.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("schema_version 9"), std::string::npos);
}

TEST(BaselineTest, LoadNamesAMissingFile) {
  test::TempDir dir;
  auto b = Baseline::load(dir.path() + "/nope.json");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find(dir.path() + "/nope.json: no such file"), std::string::npos);
}

TEST(BaselineTest, LoadReadsAFile) {
  test::TempDir dir;
  test::write_file(dir.path() + "/b.json", json_report({{fp('d'), fp('5')}}));
  auto b = Baseline::load(dir.path() + "/b.json");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->findings.contains(fp('d')));
}

TEST(BaselineTest, SuppressesKnownFindingsOnly) {
  auto b = Baseline::parse(json_report({{fp('a'), fp('1')}}), "old.json");
  ASSERT_TRUE(b);
  std::vector<Finding> findings = {finding(fp('a'), {fp('1')}), finding(fp('b'), {fp('2')})};
  EXPECT_EQ(apply_baseline(*b, findings), 1u);
  ASSERT_TRUE(findings[0].suppression);
  EXPECT_EQ(findings[0].suppression->kind, "baseline");
  EXPECT_EQ(findings[0].suppression->reason, "in baseline old.json");
  EXPECT_FALSE(findings[1].suppression);
}

TEST(BaselineTest, KnownFindingAtANewPlaceIsStillNotNew) {
  auto b = Baseline::parse(json_report({{fp('a'), fp('1')}}), "old.json");
  ASSERT_TRUE(b);
  std::vector<Finding> findings = {finding(fp('a'), {fp('1'), fp('9')})};
  apply_baseline(*b, findings);
  ASSERT_TRUE(findings[0].suppression);
  EXPECT_NE(findings[0].suppression->reason.find("1 new place"), std::string::npos);
}

TEST(BaselineTest, KeepsAnEarlierSuppression) {
  auto b = Baseline::parse(json_report({{fp('a'), fp('1')}}), "old.json");
  ASSERT_TRUE(b);
  std::vector<Finding> findings = {finding(fp('a'))};
  findings[0].suppression = Suppression{"known-public", "test key"};
  EXPECT_EQ(apply_baseline(*b, findings), 0u);
  EXPECT_EQ(findings[0].suppression->kind, "known-public");
}

}  // namespace
}  // namespace strata
