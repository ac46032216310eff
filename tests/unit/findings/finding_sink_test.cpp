#include "strata/findings/finding_sink.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/recording_sink.hpp"

namespace strata {
namespace {

Finding finding(const std::string& rule, const std::string& secret, const std::string& path) {
  Finding f;
  f.rule_id = rule;
  f.rule_name = rule + " name";
  f.secret = SecretValue(secret);
  f.fingerprint = std::string(32, rule.back());
  Location l;
  l.image = "app:1";
  l.platform = "linux/amd64";
  l.layer_index = 2;
  l.layer_digest = "sha256:" + std::string(64, 'c');
  l.path = path;
  l.line = 3;
  l.column = 9;
  l.fate = Fate{FateKind::kDeleted, 4};
  f.locations.push_back(l);
  return f;
}

// A report with something in every part of the stream.
ScanReport full_report() {
  ScanReport r;
  ImageSummary image;
  image.reference = "app:1";
  image.layers = 5;
  r.images = {image, image};
  r.rules_hash = "rules-hash";
  r.findings = {finding("rule.a", std::string("sec") + "ret-one", "app/.env"),
                finding("rule.b", std::string("sec") + "ret-two", "root/.npmrc")};
  r.skipped = {"layer sha256:aaaa: app/big.bin: file larger than the limit"};
  r.errors = {"layer sha256:bbbb: corrupt", "layer sha256:cccc: truncated"};
  r.warnings = {"an ignore entry expired"};
  r.stats.files = 42;
  r.stats.layers = 5;
  r.stats.seconds = 1.25;
  LayerTiming timing;
  timing.layer = "sha256:aaaa";
  timing.seconds = 0.5;
  r.stats.layer_timings.push_back(timing);
  return r;
}

TEST(FindingSinkTest, ReplayedReportArrivesInStreamOrder) {
  ScanReport report = full_report();
  test::RecordingSink sink;
  replay_report(report, sink);
  EXPECT_EQ(sink.calls, test::expected_calls(report));
  EXPECT_EQ(sink.image_references, (std::vector<std::string>{"app:1", "app:1"}));
}

TEST(FindingSinkTest, StopEndsTheFindingsButNotTheStream) {
  ScanReport report = full_report();
  test::RecordingSink sink(1);
  replay_report(report, sink);
  std::vector<std::string> expected = test::expected_calls(report);
  expected.erase(expected.begin() + 2);  // the second finding
  EXPECT_EQ(sink.calls, expected);
}

TEST(FindingSinkTest, CollectorRebuildsTheReport) {
  ScanReport report = full_report();
  ScanReportCollector collector;
  replay_report(report, collector);
  ScanReport rebuilt = collector.take();
  EXPECT_EQ(test::expected_calls(rebuilt), test::expected_calls(report));
  EXPECT_EQ(rebuilt.stats.seconds, report.stats.seconds);
  ASSERT_EQ(rebuilt.stats.layer_timings.size(), 1u);
  EXPECT_EQ(rebuilt.stats.layer_timings[0].layer, "sha256:aaaa");
  EXPECT_EQ(rebuilt.images.size(), 2u);
  EXPECT_TRUE(collector.take().findings.empty());  // taken
}

}  // namespace
}  // namespace strata
