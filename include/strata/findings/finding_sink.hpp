// FindingSink: the seam between a scan and whatever consumes its output (ripgrep's
// searcher/sink split). The scan pushes one stream of calls; a consumer implements the calls
// it cares about and never sees how the scan works. ScanReportCollector turns the stream into
// the ScanReport the reporters render; a findings store consumes the same stream to record a
// sweep, without a ScanReport in between.
//
// The stream, in this order, once per scan:
//   begin(images, rules_hash)   the images read (summaries) and the rule set's hash
//   finding(f)...               each finding, merged and sorted (the order of
//                               ScanReport::findings); returning kStop ends the findings early
//                               (the sink wants no more), the rest of the stream still comes
//   skipped(what)...            what limits stopped ("layer sha256:…: app/big.bin: …")
//   error(message)...           what failed; the scan is incomplete when there is any
//   warning(message)...         e.g. fingerprints given a one-off value; not an error
//   end(stats)                  counts and timings
//
//   ScanReportCollector collector;
//   scan_source(*source, *engine, options, collector);  // or replay_report(report, collector)
//   ScanReport report = collector.take();
//
// Thread safety: a sink is called from one thread at a time, by the thread that drives the
// scan. Errors: a sink reports its own failures (a store that cannot write) by throwing or by
// remembering them; the stream has no error channel back to the scan but kStop.
#pragma once

#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/findings/scan_report.hpp"

namespace strata {

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void begin(const std::vector<ImageSummary>& images, std::string_view rules_hash) = 0;
  virtual Control finding(const Finding& finding) = 0;
  virtual void skipped(std::string_view what) = 0;
  virtual void error(std::string_view message) = 0;
  virtual void warning(std::string_view message) = 0;
  virtual void end(const ScanStats& stats) = 0;
};

// Builds the ScanReport the stream describes (what the reporters take).
class ScanReportCollector : public FindingSink {
 public:
  void begin(const std::vector<ImageSummary>& images, std::string_view rules_hash) override;
  Control finding(const Finding& finding) override;
  void skipped(std::string_view what) override;
  void error(std::string_view message) override;
  void warning(std::string_view message) override;
  void end(const ScanStats& stats) override;

  // The report so far (whole after end()); the collector is empty afterwards.
  ScanReport take();

 private:
  ScanReport report_;
};

// Sends `report` down `sink` as the stream above: what a scan that produced it would send.
void replay_report(const ScanReport& report, FindingSink& sink);

}  // namespace strata
