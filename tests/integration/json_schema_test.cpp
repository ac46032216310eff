// `strata scan --format json` on images built by real tools, checked against the report's JSON
// Schema (docs/report.schema.json) by tests/support/validate-json-schema.py, which needs
// python3-jsonschema (scripts/install-deps.sh). Each scan is picked to bring out a part of the
// report: revealed values, suppressions, warnings, Dockerfile lines, errors. A missing
// python3-jsonschema fails the tests: it is a build dependency, not an optional tool.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::test::real {
namespace {

namespace fs = std::filesystem;

const std::string kSchema = std::string(STRATA_SOURCE_DIR) + "/docs/report.schema.json";
const std::string kValidator =
    std::string(STRATA_SOURCE_DIR) + "/tests/support/validate-json-schema.py";

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Verdict {
  int exit_code = -1;  // 0 valid, 1 invalid, 2 no jsonschema or unusable schema
  std::string output;  // one line per error: FILE: $.json.path: what failed
};

Verdict validate(const TempDir& dir, const std::string& report) {
  std::string log = dir.path() + "/validator.log";
  std::string command = "timeout 120 python3 " + shell_quoted(kValidator) + " " +
                        shell_quoted(kSchema) + " " + shell_quoted(report) + " > " +
                        shell_quoted(log) + " 2>&1";
  int status = std::system(command.c_str());
  Verdict v;
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  v.output = fs::exists(log) ? read_file(log) : std::string();
  return v;
}

// Passes when the report matches the schema; says how to get the validator when it is missing.
::testing::AssertionResult matches_schema(const TempDir& dir, const std::string& report) {
  Verdict v = validate(dir, report);
  if (v.exit_code == 0) return ::testing::AssertionSuccess();
  if (v.exit_code != 1) {  // 2: no jsonschema; 127: no python3
    return ::testing::AssertionFailure()
           << "the schema validator could not run (python3 with python3-jsonschema is a test "
              "dependency: run scripts/install-deps.sh):\n"
           << v.output;
  }
  return ::testing::AssertionFailure() << report << " does not match " << kSchema << ":\n"
                                       << v.output;
}

// Runs `strata scan ARGS... --format json -o DIR/NAME`; the report is parsed into `report`.
std::string scan_to_file(const TempDir& dir, const std::string& name, std::vector<std::string> args,
                         int expected_exit, json& report) {
  std::string path = dir.path() + "/" + name;
  args.insert(args.begin(), "scan");
  args.insert(args.end(), {"--format", "json", "-o", path});
  RunResult r = run_strata(args);
  EXPECT_EQ(r.exit_code, expected_exit) << describe(r);
  report = fs::exists(path) ? read_json_file(path) : json(nullptr);
  EXPECT_TRUE(report.is_object()) << "no JSON report: " << describe(r);
  return path;
}

// The Containerfile a fixture was built from, with the @NAME@ placeholders filled in as
// build-real-images.sh does (else its lines do not match the recorded history).
std::string filled_containerfile(const TempDir& dir, const std::string& name) {
  std::string text =
      read_file(std::string(STRATA_SOURCE_DIR) + "/tests/support/real-images/" + name);
  std::string overwritten = secret("OVERWRITTEN_TOKEN");
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
      text.replace(pos, from.size(), to);
      pos += to.size();
    }
  };
  replace("@STRIPE_KEY@", secret("STRIPE_KEY"));
  replace("@OVERWRITTEN_HEAD@", overwritten.substr(0, 4));
  replace("@OVERWRITTEN_TAIL@", overwritten.size() > 4 ? overwritten.substr(4) : "");
  std::string path = dir.path() + "/" + name;
  write_file(path, text);
  return path;
}

bool any_location_has(const json& report, const char* key) {
  for (const json& f : findings_of(report)) {
    for (const json& l : f.value("locations", json::array())) {
      if (l.contains(key)) return true;
    }
  }
  return false;
}

bool any_suppression_of_kind(const json& report, const std::string& kind) {
  for (const json& f : findings_of(report)) {
    if (f.contains("suppression") && str(f["suppression"], "kind") == kind) return true;
  }
  return false;
}

bool any_remediation_of_kind(const json& report, const std::string& kind) {
  for (const json& f : findings_of(report)) {
    for (const json& step : f.value("remediation", json::array())) {
      if (str(step, "kind") == kind) return true;
    }
  }
  return false;
}

// ---- the validator itself: a schema that accepts anything would pass every test below ----

class SchemaValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tar_ = real_fixture("buildah-leaky.docker.tar");
    if (tar_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing: buildah";
    scan_to_file(dir_, "leaky.json", {tar_}, 1, report_);
    ASSERT_FALSE(findings_of(report_).empty());
    ASSERT_TRUE(matches_schema(dir_, dir_.path() + "/leaky.json"));
  }
  Verdict validate_changed(const json& changed) {
    std::string path = dir_.path() + "/changed.json";
    write_file(path, changed.dump(2));
    return validate(dir_, path);
  }

  TempDir dir_;
  std::string tar_;
  json report_;
};

TEST_F(SchemaValidatorTest, RejectsAReportWithoutARequiredTopLevelField) {
  json changed = report_;
  changed.erase("rules_hash");
  Verdict v = validate_changed(changed);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("$: 'rules_hash' is a required property"), std::string::npos) << v.output;
}

TEST_F(SchemaValidatorTest, RejectsALocationWithoutItsOrigin) {
  json changed = report_;
  changed["findings"][0]["locations"][0].erase("origin");
  Verdict v = validate_changed(changed);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("$.findings[0].locations[0]: 'origin' is a required property"),
            std::string::npos)
      << v.output;
}

TEST_F(SchemaValidatorTest, RejectsAFieldTheSchemaDoesNotName) {
  json changed = report_;
  changed["findings"][0]["locations"][0]["unlisted_field"] = 1;
  Verdict v = validate_changed(changed);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("$.findings[0].locations[0]: Additional properties"), std::string::npos)
      << v.output;
}

TEST_F(SchemaValidatorTest, RejectsAnUnknownSeverity) {
  json changed = report_;
  changed["findings"][0]["severity"] = "severe";
  Verdict v = validate_changed(changed);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("$.findings[0].severity: fails enum"), std::string::npos) << v.output;
}

TEST_F(SchemaValidatorTest, NamesNoValueFromTheReportInItsErrors) {
  json changed = report_;
  std::string marker = std::string("not-a-") + "fingerprint-" + std::string(8, 'q');
  changed["findings"][0]["fingerprint"] = marker;
  Verdict v = validate_changed(changed);
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("$.findings[0].fingerprint"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find(marker), std::string::npos) << v.output;
}

// ---- plain scans of every kind of real image ----

struct FixtureCase {
  const char* fixture;
  const char* tool;  // what makes it, for the skip message
  int exit_code;
};

void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.fixture; }

class RealReportSchemaTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(RealReportSchemaTest, ReportMatchesTheSchema) {
  STRATA_REQUIRE_FIXTURE(image, GetParam().fixture, GetParam().tool);
  TempDir dir;
  json report;
  std::string path = scan_to_file(dir, "report.json", {image}, GetParam().exit_code, report);
  ASSERT_TRUE(report.is_object());
  EXPECT_TRUE(matches_schema(dir, path));
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, RealReportSchemaTest,
    ::testing::Values(FixtureCase{"buildah-leaky.docker.tar", "buildah", 1},
                      FixtureCase{"buildah-multistage.docker.tar", "buildah", 1},
                      FixtureCase{"buildah-squashed.docker.tar", "buildah", 1},
                      FixtureCase{"docker-buildkit.docker.tar", "dockerd (docker.io)", 1},
                      FixtureCase{"multi-platform.oci", "buildah", 1},
                      FixtureCase{"clean.docker.tar", "buildah", 0}),
    [](const ::testing::TestParamInfo<FixtureCase>& info) {
      std::string name;
      for (const char* c = info.param.fixture; *c; ++c)
        name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      return name;
    });

// ---- scans that bring out the optional parts of the report ----

class LeakyReportSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tar_ = real_fixture("buildah-leaky.docker.tar");
    if (tar_.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing: buildah";
  }

  TempDir dir_;
  std::string tar_;
};

TEST_F(LeakyReportSchemaTest, RevealedReportMatches) {
  json report;
  std::string path = scan_to_file(dir_, "revealed.json", {tar_, "--reveal"}, 1, report);
  ASSERT_FALSE(findings_of(report).empty());
  EXPECT_FALSE(secret_value(findings_of(report)[0]).empty()) << "--reveal wrote no value";
  EXPECT_TRUE(matches_schema(dir_, path));
}

TEST_F(LeakyReportSchemaTest, BaselineSuppressedReportMatches) {
  json first;
  std::string baseline = scan_to_file(dir_, "first.json", {tar_}, 1, first);
  json report;
  std::string path = scan_to_file(dir_, "second.json", {tar_, "--baseline", baseline}, 0, report);
  EXPECT_TRUE(any_suppression_of_kind(report, "baseline")) << "no finding suppressed";
  EXPECT_TRUE(matches_schema(dir_, path));
}

TEST_F(LeakyReportSchemaTest, ReportWithIgnoreFileWarningsMatches) {
  json first;
  scan_to_file(dir_, "first.json", {tar_}, 1, first);
  ASSERT_FALSE(findings_of(first).empty());
  std::string ignore = dir_.path() + "/strataignore";
  write_file(ignore, str(findings_of(first)[0], "fingerprint") +
                         "  expires=2020-01-31  # rotated long ago, entry left behind\n");
  json report;
  std::string path = scan_to_file(dir_, "ignored.json", {tar_, "--ignore-file", ignore}, 1, report);
  ASSERT_TRUE(report.is_object());
  EXPECT_FALSE(report["warnings"].empty()) << "the expired entry gave no warning";
  EXPECT_TRUE(matches_schema(dir_, path));
}

TEST_F(LeakyReportSchemaTest, ReportWithDockerfileLinesMatches) {
  std::string containerfile = filled_containerfile(dir_, "leaky.Containerfile");
  json report;
  std::string path =
      scan_to_file(dir_, "dockerfile.json", {tar_, "--dockerfile", containerfile}, 1, report);
  EXPECT_TRUE(any_location_has(report, "dockerfile_line")) << "no history step was mapped";
  EXPECT_TRUE(matches_schema(dir_, path));
}

TEST_F(LeakyReportSchemaTest, IncompleteScanOfATruncatedArchiveMatches) {
  std::string bytes = read_file(tar_);
  std::string truncated = dir_.path() + "/truncated.docker.tar";
  write_file(truncated, bytes.substr(0, bytes.size() * 2 / 3));
  json report;
  std::string path = scan_to_file(dir_, "incomplete.json", {truncated}, 2, report);
  ASSERT_TRUE(report.is_object());
  EXPECT_EQ(report["complete"], false);
  EXPECT_FALSE(report["errors"].empty());
  EXPECT_TRUE(matches_schema(dir_, path));
}

TEST(MultistageReportSchemaTest, ReportWithCopyFromRemediationMatches) {
  STRATA_REQUIRE_FIXTURE(tar, "buildah-multistage.docker.tar", "buildah");
  TempDir dir;
  std::string containerfile = filled_containerfile(dir, "multistage.Containerfile");
  json report;
  std::string path =
      scan_to_file(dir, "multistage.json", {tar, "--dockerfile", containerfile}, 1, report);
  EXPECT_TRUE(any_remediation_of_kind(report, "copy-from")) << "no copy-from step";
  EXPECT_TRUE(matches_schema(dir, path));
}

}  // namespace
}  // namespace strata::test::real
