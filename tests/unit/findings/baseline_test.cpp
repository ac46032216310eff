#include "strata/findings/baseline.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "strata/findings/fingerprint.hpp"
#include "support/sanitizers.hpp"
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

// Found by fuzz/baseline: a number no double holds throws out_of_range (not parse_error), whose
// message quotes the number; it must be an error that quotes nothing.
TEST(BaselineTest, NumberTooLargeForADoubleIsInvalidJson) {
  std::string digits = "4" + std::string(400, '0');
  auto b = Baseline::parse("{\"findings\": [" + digits + "]}", "big.json");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message, "baseline big.json: invalid JSON: a number out of range");
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

// ---- an ignore file's suppressions are not accepted (P3.11) ------------------------------

TEST(BaselineTest, FindingTheIgnoreFileSuppressedIsNotInTheJsonBaseline) {
  json j = json::parse(json_report({{fp('a'), fp('1')}, {fp('b'), fp('2')}}));
  j["findings"][1]["suppression"] = {{"kind", "ignore-file"}, {"reason", "rotated (x:3)"}};
  auto b = Baseline::parse(j.dump(), "old.json");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->findings, (std::set<std::string>{fp('a')}));
  EXPECT_EQ(b->locations, (std::set<std::string>{fp('1')}));
}

TEST(BaselineTest, OtherSuppressionsStayInTheJsonBaseline) {
  json j = json::parse(json_report({{fp('a'), fp('1')}, {fp('b'), fp('2')}}));
  j["findings"][0]["suppression"] = {{"kind", "baseline"}, {"reason", "in baseline x"}};
  j["findings"][1]["suppression"] = {{"kind", "known-public"}, {"reason", "docs"}};
  auto b = Baseline::parse(j.dump(), "old.json");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->findings, (std::set<std::string>{fp('a'), fp('b')}));
}

TEST(BaselineTest, ResultTheIgnoreFileSuppressedIsNotInTheSarifBaseline) {
  auto result = [](char f, const std::string& justification) {
    json r;
    r["partialFingerprints"] = {{std::string(kSarifFingerprintKey), fp(f)}};
    if (!justification.empty()) {
      r["suppressions"] = {{{"kind", "external"}, {"justification", justification}}};
    }
    return r;
  };
  json sarif;
  sarif["runs"] = {{{"tool", {{"driver", {{"name", "strata"}}}}},
                    {"results",
                     {result('a', ""), result('b', "ignore-file: rotated (.strataignore:2)"),
                      result('c', "baseline: in baseline old.json")}}}};
  auto b = Baseline::parse(sarif.dump(), "old.sarif");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->findings, (std::set<std::string>{fp('a'), fp('c')}));
}

// ---- memory follows findings, not report size (P2.8) -------------------------------------

// Peak resident memory of loading `path` in a fresh child process, in KiB above what the child
// started with (the parent's heap does not count).
long load_peak_kib(const std::string& path) {
  auto kib = [](const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.starts_with(field)) return std::stol(line.substr(std::string(field).size()));
    }
    return -1L;
  };
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    long before = kib("VmRSS:");
    auto b = Baseline::load(path);
    long peak = b ? kib("VmHWM:") - before : -2;
    (void)!write(fds[1], &peak, sizeof peak);
    _exit(0);
  }
  close(fds[1]);
  long peak = -1;
  if (read(fds[0], &peak, sizeof peak) != static_cast<ssize_t>(sizeof peak)) peak = -1;
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return peak;
}

TEST(BaselineTest, LoadKeepsOnlyFingerprintsInMemory) {
#if STRATA_UNDER_ASAN
  // AddressSanitizer keeps freed memory in quarantine: the peak measures it, not the loader.
  GTEST_SKIP() << "peak memory is not meaningful under AddressSanitizer";
#endif
  test::TempDir dir;
  std::string path = dir.path() + "/big.json";
  {
    // ~24 MB of remediation detail: a full JSON tree of it takes over ten times that.
    std::ofstream out(path);
    out << R"({"schema_version": 1, "findings": [)";
    for (int i = 0; i < 3000; ++i) {
      out << (i ? "," : "") << R"({"fingerprint": ")" << fp("0123456789abcdef"[i % 16])
          << R"(", "remediation": [)";
      for (int k = 0; k < 1000; ++k) out << (k ? "," : "") << R"({"k":1})";
      out << "]}";
    }
    out << "]}";
  }
  long peak = load_peak_kib(path);
  ASSERT_GE(peak, 0) << "the baseline did not load";
  EXPECT_LT(peak, 48 * 1024) << "KiB above the child's start";
}

}  // namespace
}  // namespace strata
