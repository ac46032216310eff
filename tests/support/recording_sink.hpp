// Test support: a FindingSink that records every call it receives, in order, and a plain-text
// description of findings for comparing what a sink got with what a ScanReport holds.
//
//   RecordingSink sink;
//   replay_report(report, sink);
//   EXPECT_EQ(sink.calls, expected_calls(report));
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "strata/findings/finding_sink.hpp"

namespace strata::test {

// Every field a reporter shows of a finding and its locations, as one line each.
inline std::string describe(const Finding& f) {
  std::string s = f.rule_id + "|" + f.rule_name + "|" + severity_name(f.severity) + "|" +
                  std::string(f.secret.reveal()) + "|" + f.fingerprint + "|" +
                  (f.suppression ? f.suppression->kind : "-");
  for (const Location& l : f.locations) {
    s += "\n  " + std::string(location_kind_name(l.kind)) + " " + l.image + " " + l.platform + " " +
         std::to_string(l.layer_index) + " " + l.layer_digest + " " + l.path + ":" +
         std::to_string(l.line) + ":" + std::to_string(l.column) + "@" + std::to_string(l.offset) +
         " " + l.config_location + " " + l.build_arg + " " + fate_name(l.fate.kind) +
         std::to_string(l.fate.changed_in.value_or(-1)) + " " + layer_origin_name(l.origin) + " " +
         l.fingerprint;
  }
  return s;
}

// The calls a sink should get for `report`, in order: "begin <rules hash> <images>",
// "finding <description>", "skipped …", "error …", "warning …", "end <files> <layers>".
inline std::vector<std::string> expected_calls(const ScanReport& report) {
  std::vector<std::string> calls{"begin " + report.rules_hash + " " +
                                 std::to_string(report.images.size())};
  for (const Finding& f : report.findings) calls.push_back("finding " + describe(f));
  for (const std::string& s : report.skipped) calls.push_back("skipped " + s);
  for (const std::string& e : report.errors) calls.push_back("error " + e);
  for (const std::string& w : report.warnings) calls.push_back("warning " + w);
  calls.push_back("end " + std::to_string(report.stats.files) + " " +
                  std::to_string(report.stats.layers));
  return calls;
}

class RecordingSink : public FindingSink {
 public:
  // Answers kStop to the finding after the first `findings_wanted`.
  explicit RecordingSink(size_t findings_wanted = std::numeric_limits<size_t>::max())
      : findings_wanted_(findings_wanted) {}

  void begin(const std::vector<ImageSummary>& images, std::string_view rules_hash) override {
    calls.push_back("begin " + std::string(rules_hash) + " " + std::to_string(images.size()));
    image_references.clear();
    for (const ImageSummary& i : images) image_references.push_back(i.reference);
  }
  Control finding(const Finding& finding) override {
    calls.push_back("finding " + describe(finding));
    return ++findings_ >= findings_wanted_ ? Control::kStop : Control::kContinue;
  }
  void skipped(std::string_view what) override { calls.push_back("skipped " + std::string(what)); }
  void error(std::string_view message) override {
    calls.push_back("error " + std::string(message));
  }
  void warning(std::string_view message) override {
    calls.push_back("warning " + std::string(message));
  }
  void end(const ScanStats& stats) override {
    calls.push_back("end " + std::to_string(stats.files) + " " + std::to_string(stats.layers));
  }

  std::vector<std::string> calls;
  std::vector<std::string> image_references;

 private:
  size_t findings_wanted_;
  size_t findings_ = 0;
};

}  // namespace strata::test
