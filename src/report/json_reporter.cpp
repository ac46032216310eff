// The JSON report (docs/json-schema.md): nlohmann::json's dump(2) layout, keys sorted, written
// through JsonWriter a finding at a time, so memory holds a batch of findings' text, not the
// whole report (a big image has many thousands of findings and ~10^5 locations).
#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "json_writer.hpp"
#include "location_fields.hpp"
#include "redactor.hpp"
#include "remediation_fields.hpp"
#include "strata/core/parallel_for.hpp"
#include "strata/core/thread_start.hpp"
#include "strata/report/reporters.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

namespace strata {

namespace {

constexpr int kSchemaVersion = 1;

// A location's members, gathered in any order (visit_location_fields has its own) and written
// in key order. Reused from location to location: its strings keep their buffers.
class LocationMembers {
 public:
  void collect(const Location& l, const Redactor& redact) {
    count_ = 0;
    visit_location_fields(l, redact, [&](const char* key, const auto& value) {
      using T = std::decay_t<decltype(value)>;
      if constexpr (std::is_integral_v<T>) {
        add(key, static_cast<int64_t>(value));
      } else {
        add(key, std::string_view(value));
      }
    });
    add("line", l.line);
    add("column", l.column);
    add("offset", l.offset);
    if (l.kind != LocationKind::kLayerFile) add("step_mounts_secret", l.step_mounts_secret);
    if (!l.fingerprint.empty()) add("fingerprint", std::string_view(l.fingerprint));
    if (l.dockerfile_line > 0) add("dockerfile_line", static_cast<int64_t>(l.dockerfile_line));
    add("fate", l.fate);
  }

  void write(JsonWriter& w) {
    order_.resize(count_);
    std::iota(order_.begin(), order_.end(), size_t{0});
    std::sort(order_.begin(), order_.end(),
              [&](size_t a, size_t b) { return members_[a].key < members_[b].key; });
    w.begin_object();
    for (size_t i : order_) {
      const Member& m = members_[i];
      w.key(m.key);
      std::visit([&](const auto& value) { write_value(w, value); }, m.value);
    }
    w.end_object();
  }

 private:
  using Value = std::variant<std::string, int64_t, uint64_t, bool, Fate>;
  struct Member {
    std::string_view key;  // the callers' string literals
    Value value;
  };

  void add(std::string_view key, std::string_view text) {
    Member& m = next(key);
    if (auto* s = std::get_if<std::string>(&m.value)) {
      s->assign(text);  // keeps the buffer
    } else {
      m.value = std::string(text);
    }
  }
  template <class T>
  void add(std::string_view key, T value) {
    next(key).value = value;
  }
  Member& next(std::string_view key) {
    if (count_ == members_.size()) members_.emplace_back();
    Member& m = members_[count_++];
    m.key = key;
    return m;
  }

  static void write_value(JsonWriter& w, const Fate& fate) {
    w.begin_object();
    if (fate.changed_in) w.key("changed_in_layer").value(*fate.changed_in);
    w.key("kind").value(fate_name(fate.kind));
    w.end_object();
  }
  template <class T>
  static void write_value(JsonWriter& w, const T& value) {
    w.value(value);
  }

  std::vector<Member> members_;
  size_t count_ = 0;
  std::vector<size_t> order_;
};

struct FindingContext {
  const Redactor& redact;
  const Redactor& fix_redact;
  const ReportOptions& options;
};

void write_secret(JsonWriter& w, const Finding& f, const ReportOptions& options) {
  w.begin_object();
  if (f.secret_is_path) {
    w.key("path").value(f.secret.reveal());
  } else {
    w.key("length").value(static_cast<uint64_t>(f.secret.size()));
    w.key("redacted").value(f.secret.redacted());
    if (options.reveal) w.key("value").value(f.secret.reveal());
  }
  w.end_object();
}

// One finding, keys in byte order (the writer checks it).
void write_finding(JsonWriter& w, const Finding& f, const FindingContext& c,
                   LocationMembers& members) {
  w.begin_object();
  w.key("confidence").value(confidence_name(f.confidence));
  w.key("counts_toward_exit").value(counts_toward_failure(f, c.options.fail_policy));
  w.key("fingerprint").value(f.fingerprint);
  w.key("kind").value(f.secret_is_path ? "secret-file" : "secret");
  w.key("locations").begin_array();
  for (const Location& l : f.locations) {
    members.collect(l, c.redact);
    members.write(w);
  }
  w.end_array();
  if (!f.remediation.empty()) {
    w.key("remediation").value(remediation_fields<nlohmann::json>(f.remediation, c.fix_redact));
  }
  w.key("rule_id").value(f.rule_id);
  w.key("rule_name").value(f.rule_name);
  w.key("secret");
  write_secret(w, f, c.options);
  w.key("severity").value(severity_name(f.severity));
  if (f.suppression) {
    w.key("suppression").begin_object();
    w.key("kind").value(f.suppression->kind);
    w.key("reason").value(f.suppression->reason);
    w.end_object();
  }
  w.key("validation").begin_object();
  w.key("checksum").value(validation_state_name(f.checksum));
  w.end_object();
  w.end_object();
}

// Writes text to the stream on a thread of its own while the caller renders the next batch
// (writing megabytes costs the kernel about as much as rendering them). An exception of the
// stream is rethrown on the caller's thread, at the next write or at finish().
class BackgroundWriter {
 public:
  explicit BackgroundWriter(std::ostream& out) : out_(out) {}
  ~BackgroundWriter() {
    if (thread_.joinable()) thread_.join();
  }

  // Writes `head`, then every one of `pieces`, taking their contents (they are left empty or
  // holding the previous call's text, to be reused).
  void write(std::string& head, std::vector<std::string>& pieces) {
    finish();
    head_.swap(head);
    pieces_.swap(pieces);
    head.clear();
    auto write_all = [this] {
      out_.write(head_.data(), static_cast<std::streamsize>(head_.size()));
      for (const std::string& p : pieces_) {
        out_.write(p.data(), static_cast<std::streamsize>(p.size()));
      }
    };
    // Without a thread it is written here; a failure is rethrown by finish() either way.
    thread_ = start_thread_or_run_inline([this, write_all] {
      try {
        write_all();
      } catch (...) {
        failed_ = std::current_exception();
      }
    });
  }
  void finish() {
    if (thread_.joinable()) thread_.join();
    if (failed_) std::rethrow_exception(std::exchange(failed_, nullptr));
  }

 private:
  std::ostream& out_;
  std::string head_;
  std::vector<std::string> pieces_;
  std::thread thread_;
  std::exception_ptr failed_;
};

// The findings array's elements. Findings are rendered a batch at a time, each on any core
// (on a big image this text is most of the time after the scan), and handed to `writer` after
// the document's text so far. Batches are bounded by findings and by locations (most of the
// text; one finding may have thousands), so memory holds two batches' text.
void write_findings(JsonWriter& w, std::string& text, BackgroundWriter& writer,
                    const std::vector<Finding>& findings, const FindingContext& c) {
  constexpr size_t kBatchFindings = 512;
  constexpr size_t kBatchLocations = 16384;
  std::vector<std::string> rendered;
  for (size_t first = 0, end = 0; first < findings.size(); first = end) {
    for (size_t locations = 0;
         end < findings.size() && end - first < kBatchFindings && locations < kBatchLocations;
         ++end) {
      locations += findings[end].locations.size();
    }
    rendered.resize(end - first);
    parallel_for(rendered.size(), core_count(), [&](size_t k) {
      thread_local LocationMembers members;
      rendered[k].clear();
      JsonWriter element = JsonWriter::elements_of(w, rendered[k], first + k);
      write_finding(element, findings[first + k], c, members);
    });
    w.elements_added(first, rendered.size());
    writer.write(text, rendered);
  }
}

nlohmann::json redacted(const std::vector<std::string>& lines, const Redactor& redact) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& line : lines) out.push_back(redact.text(line));
  return out;
}

nlohmann::json images_json(const std::vector<ImageSummary>& images) {
  nlohmann::json out = nlohmann::json::array();
  for (const ImageSummary& s : images) {
    out.push_back({{"source", s.source},
                   {"reference", s.reference},
                   {"platform", s.platform},
                   {"manifest_digest", s.manifest_digest},
                   {"config_digest", s.config_digest},
                   {"attestation", s.is_attestation},
                   {"layers", s.layers},
                   {"history_mapped", s.history_mapped}});
    if (!s.base_name.empty() || !s.base_digest.empty()) {
      nlohmann::json base = {{"name", s.base_name}, {"digest", s.base_digest}};
      if (s.first_own_layer) base["first_own_layer"] = *s.first_own_layer;
      out.back()["base_image"] = base;
    }
  }
  return out;
}

nlohmann::json stats_json(const ScanStats& stats) {
  return {{"images", stats.images},
          {"layers", stats.layers},
          {"layers_cached", stats.layers_cached},
          {"files", stats.files},
          {"bytes_compressed", stats.bytes_compressed},
          {"bytes_scanned", stats.bytes_scanned},
          {"config_strings", stats.config_strings},
          {"seconds", stats.seconds}};
}

}  // namespace

void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options) {
  Redactor redact(report.findings, options.reveal);
  Redactor fix_redact = Redactor::for_fixes(report.findings, options.reveal);
  FindingContext context{redact, fix_redact, options};
  std::string text;
  JsonWriter w(text);
  BackgroundWriter writer(out);
  // The document's keys in byte order (the writer checks it).
  w.begin_object();
  w.key("complete").value(report.errors.empty());
  w.key("errors").value(redacted(report.errors, redact));
  w.key("findings").begin_array();
  write_findings(w, text, writer, report.findings, context);
  w.end_array();
  w.key("images").value(images_json(report.images));
  w.key("rules_hash").value(report.rules_hash);
  w.key("schema_version").value(kSchemaVersion);
  w.key("skipped").value(nlohmann::json(report.skipped));
  w.key("stats").value(stats_json(report.stats));
  w.key("target").value(options.target);
  w.key("tool").value(nlohmann::json{{"name", "strata"}, {"version", STRATA_VERSION}});
  w.key("warnings").value(redacted(report.warnings, redact));
  w.end_object();
  text += '\n';
  std::vector<std::string> none;
  writer.write(text, none);
  writer.finish();
}

}  // namespace strata
