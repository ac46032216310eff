#include "strata/report/reporters.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/image_summary.hpp"

namespace strata {
namespace {

// A report with one build-arg secret that also appears in a layer file and a history command.
class ReportersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_ = std::string("npm") + "_" + std::string(36, 'K');
    Finding f;
    f.rule_id = "npm.access-token";
    f.rule_name = "npm access token";
    f.severity = Severity::kHigh;
    f.confidence = Confidence::kHigh;
    f.secret = SecretValue(secret_);
    f.fingerprint = finding_fingerprint(f.rule_id, f.secret);
    Location config;
    config.kind = LocationKind::kConfig;
    config.image = "app:1";
    config.platform = "linux/amd64";
    config.config_location = "history[4].created_by";
    config.history_step = 4;
    config.build_arg = "NPM_TOKEN";
    config.created_by = "|1 NPM_TOKEN=" + secret_ + " /bin/sh -c npm ci";
    config.fate.kind = FateKind::kNotInFilesystem;
    Location file;
    file.kind = LocationKind::kLayerFile;
    file.image = "app:1";
    file.platform = "linux/amd64";
    file.layer_index = 4;
    file.layer_digest = "sha256:" + std::string(64, 'a');
    file.path = "root/.npmrc";
    file.line = 1;
    file.column = 35;
    file.fate = Fate{FateKind::kDeleted, 6};
    f.locations = {config, file};
    report_.findings.push_back(f);
    report_.images.push_back(test::summary_of("x.tar", 7));
    report_.errors.push_back("layer sha256:bbbb: entry a: corrupt");
  }

  std::string secret_;
  ScanReport report_;
};

TEST_F(ReportersTest, JsonRedactsByDefault) {
  std::ostringstream out;
  write_json_report(report_, out, ReportOptions{});
  EXPECT_EQ(out.str().find(secret_), std::string::npos);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_FALSE(j["complete"]);
  const auto& f = j["findings"][0];
  EXPECT_FALSE(f["secret"].contains("value"));
  EXPECT_EQ(f["secret"]["length"], secret_.size());
  EXPECT_EQ(f["locations"][0]["build_arg"], "NPM_TOKEN");
  EXPECT_EQ(f["locations"][1]["fate"]["kind"], "deleted");
  EXPECT_EQ(f["locations"][1]["fate"]["changed_in_layer"], 6);
}

TEST_F(ReportersTest, JsonRevealsWhenAsked) {
  std::ostringstream out;
  ReportOptions options;
  options.reveal = true;
  write_json_report(report_, out, options);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["findings"][0]["secret"]["value"], secret_);
  EXPECT_NE(j["findings"][0]["locations"][0]["created_by"].get<std::string>().find(secret_),
            std::string::npos);
}

TEST_F(ReportersTest, TextRedactsAndShowsFateAndStep) {
  std::ostringstream out;
  write_text_report(report_, out, ReportOptions{});
  std::string text = out.str();
  EXPECT_EQ(text.find(secret_), std::string::npos);
  EXPECT_NE(text.find("build arg NPM_TOKEN"), std::string::npos);
  EXPECT_NE(text.find("root/.npmrc:1:35"), std::string::npos);
  EXPECT_NE(text.find("deleted in layer 6"), std::string::npos);
  EXPECT_NE(text.find("INCOMPLETE"), std::string::npos);
}

TEST_F(ReportersTest, SuppressedFindingIsKeptButDoesNotCount) {
  EXPECT_TRUE(counts_toward_failure(report_.findings[0]));
  report_.findings[0].suppression = Suppression{"known-public", "vendor self-test key"};
  EXPECT_FALSE(counts_toward_failure(report_.findings[0]));
  std::ostringstream json, text, shown;
  write_json_report(report_, json, ReportOptions{});
  auto j = nlohmann::json::parse(json.str());
  EXPECT_EQ(j["findings"][0]["suppression"]["reason"], "vendor self-test key");
  EXPECT_FALSE(j["findings"][0]["counts_toward_exit"]);
  // Text: counted, and printed only on request.
  write_text_report(report_, text, ReportOptions{});
  EXPECT_NE(text.str().find("1 suppressed"), std::string::npos);
  EXPECT_EQ(text.str().find("root/.npmrc"), std::string::npos);
  ReportOptions options;
  options.show_suppressed = true;
  write_text_report(report_, shown, options);
  EXPECT_NE(shown.str().find("suppressed (known-public): vendor self-test key"), std::string::npos);
  EXPECT_NE(shown.str().find("root/.npmrc"), std::string::npos);
}

TEST_F(ReportersTest, SkippedItemsAreCountedAndListedOnRequest) {
  report_.skipped.push_back("layer sha256:cccc: app/huge.bin: file larger than max_file_bytes");
  std::ostringstream counted, listed;
  write_text_report(report_, counted, ReportOptions{});
  EXPECT_NE(counted.str().find("1 item(s) skipped (--list-skipped lists them)"), std::string::npos);
  EXPECT_EQ(counted.str().find("app/huge.bin"), std::string::npos);
  ReportOptions options;
  options.list_skipped = true;
  write_text_report(report_, listed, options);
  EXPECT_NE(listed.str().find("app/huge.bin"), std::string::npos);
}

TEST_F(ReportersTest, FailPolicyFiltersBySeverityAndFate) {
  Finding f = report_.findings[0];  // high; a build arg in config and a file deleted later
  EXPECT_TRUE(counts_toward_failure(f, FailPolicy{Severity::kHigh, false}));
  EXPECT_FALSE(counts_toward_failure(f, FailPolicy{Severity::kCritical, false}));
  // The build arg is still in the image's config: present.
  EXPECT_TRUE(counts_toward_failure(f, FailPolicy{Severity::kInfo, true}));
  f.locations.erase(f.locations.begin());  // only the deleted file is left
  EXPECT_FALSE(counts_toward_failure(f, FailPolicy{Severity::kInfo, true}));
  EXPECT_TRUE(counts_toward_failure(f, FailPolicy{}));
  std::ostringstream json;
  ReportOptions options;
  options.fail_policy.min_severity = Severity::kCritical;
  write_json_report(report_, json, options);
  EXPECT_FALSE(nlohmann::json::parse(json.str())["findings"][0]["counts_toward_exit"]);
}

// Locations are written by hand, the rest by nlohmann: the whole text must be what nlohmann
// itself gives for the parsed document (same layout, key order and escapes), whatever bytes a
// path or command holds.
TEST_F(ReportersTest, JsonLocationsAreLaidOutAsNlohmannWould) {
  Location& config = report_.findings[0].locations[0];
  config.dockerfile_line = 12;
  config.history_last = 6;
  config.step_mounts_secret = true;
  config.origin = LayerOrigin::kOwnBuild;
  config.fingerprint = std::string(32, 'f');
  config.created_by += " \"quoted\" back\\slash \t tab \x01\x1f\x7f caf\xc3\xa9";
  Location& file = report_.findings[0].locations[1];
  file.path = std::string("dir/\xff\xfe bad utf-8/\xe2\x82 cut/\n") + "\x1b[31m";
  Location plain = file;
  plain.path = "plain";
  plain.fate = Fate{};
  report_.findings[0].locations.push_back(plain);
  Finding none = report_.findings[0];
  none.rule_id = "z.none";
  none.locations.clear();
  report_.findings.push_back(none);

  std::ostringstream out;
  write_json_report(report_, out, ReportOptions{});
  auto parsed = nlohmann::json::parse(out.str());
  EXPECT_EQ(out.str(), parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  const auto& locations = parsed["findings"][0]["locations"];
  ASSERT_EQ(locations.size(), 3u);
  EXPECT_EQ(locations[0]["dockerfile_line"], 12);
  EXPECT_EQ(locations[0]["history_last"], 6);
  EXPECT_EQ(locations[0]["step_mounts_secret"], true);
  EXPECT_EQ(locations[2]["path"], "plain");
  EXPECT_EQ(parsed["findings"][1]["locations"], nlohmann::json::array());
}

// Every field a location has set is in its object (nothing dropped past some count).
TEST_F(ReportersTest, JsonLocationHasEveryFieldItSets) {
  Location& config = report_.findings[0].locations[0];
  config.dockerfile_line = 12;
  config.history_last = 6;
  config.fingerprint = std::string(32, 'f');
  config.created_by = "RUN make";
  Location& file = report_.findings[0].locations[1];
  file.history_step = 3;
  file.history_last = 5;
  file.created_by = "COPY . .";
  file.build_arg = "ARG_IN_A_FILE";
  file.fingerprint = std::string(32, 'e');
  file.dockerfile_line = 4;
  std::ostringstream out;
  write_json_report(report_, out, ReportOptions{});
  auto locations = nlohmann::json::parse(out.str())["findings"][0]["locations"];
  auto keys = [](const nlohmann::json& object) {
    std::vector<std::string> names;
    for (const auto& [key, value] : object.items()) names.push_back(key);
    return names;
  };
  EXPECT_EQ(keys(locations[0]),
            (std::vector<std::string>{"build_arg", "column", "config_location", "created_by",
                                      "dockerfile_line", "fate", "fingerprint", "history_last",
                                      "history_step", "image", "kind", "line", "offset", "origin",
                                      "platform", "step_mounts_secret"}));
  EXPECT_EQ(keys(locations[1]),
            (std::vector<std::string>{"build_arg", "column", "created_by", "dockerfile_line",
                                      "fate", "fingerprint", "history_last", "history_step",
                                      "image", "kind", "layer_digest", "layer_index", "line",
                                      "offset", "origin", "path", "platform"}));
  EXPECT_EQ(keys(locations[1]["fate"]), (std::vector<std::string>{"changed_in_layer", "kind"}));
}

// Big reports are rendered in batches, and a finding's locations in chunks on several threads:
// the text is still exactly nlohmann's, every location in its place.
TEST_F(ReportersTest, JsonOfManyFindingsAndLocationsIsLaidOutAsNlohmannWould) {
  Finding base = report_.findings[0];
  report_.findings.clear();
  for (int i = 0; i < 40; ++i) {
    Finding f = base;
    f.rule_id = "rule." + std::to_string(i);
    f.locations.clear();
    int count = i == 3 ? 1500 : i == 7 ? 3000 : i % 5;  // chunked, past a batch, none
    for (int k = 0; k < count; ++k) {
      Location l = base.locations[1];
      l.path = "dir/file-" + std::to_string(k);
      l.line = static_cast<uint64_t>(k + 1);
      f.locations.push_back(l);
    }
    report_.findings.push_back(f);
  }
  std::ostringstream out;
  write_json_report(report_, out, ReportOptions{});
  auto parsed = nlohmann::json::parse(out.str());
  EXPECT_EQ(out.str(), parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  const auto& findings = parsed["findings"];
  ASSERT_EQ(findings.size(), 40u);
  for (size_t i = 0; i < findings.size(); ++i) {
    const auto& locations = findings[i]["locations"];
    ASSERT_EQ(locations.size(), report_.findings[i].locations.size()) << i;
    for (size_t k = 0; k < locations.size(); ++k) {
      ASSERT_EQ(locations[k]["path"], "dir/file-" + std::to_string(k)) << i;
      ASSERT_EQ(locations[k]["line"], k + 1) << i;
    }
  }
}

// A stream that fails after `room` bytes.
class FullBuffer : public std::streambuf {
 public:
  explicit FullBuffer(size_t room) : room_(room) {}

 protected:
  int_type overflow(int_type c) override {
    if (room_ == 0) return traits_type::eof();
    --room_;
    return c;
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    std::streamsize taken = std::min<std::streamsize>(n, static_cast<std::streamsize>(room_));
    room_ -= static_cast<size_t>(taken);
    return taken;
  }

 private:
  size_t room_;
};

// Findings are written on a thread of their own: a stream that throws mid-report still throws
// on the caller's thread (it must not end the process).
TEST_F(ReportersTest, JsonStreamThatThrowsMidReportThrowsToTheCaller) {
  for (int i = 0; i < 30; ++i) report_.findings.push_back(report_.findings[0]);
  FullBuffer full(3000);
  std::ostream out(&full);
  out.exceptions(std::ios::badbit | std::ios::failbit);
  EXPECT_THROW(write_json_report(report_, out, ReportOptions{}), std::ios_base::failure);
}

TEST_F(ReportersTest, JsonIsDeterministic) {
  std::ostringstream a, b;
  write_json_report(report_, a, ReportOptions{});
  write_json_report(report_, b, ReportOptions{});
  EXPECT_EQ(a.str(), b.str());
}

}  // namespace
}  // namespace strata
