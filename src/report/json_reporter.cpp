#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

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

// Locations are most of a big report (a placeholder can sit in thousands of files), so they
// are written as text here rather than built as nlohmann objects: five times faster. The
// output is byte for byte what nlohmann's dump(2) gives for the same object, sorted keys
// included; strings with non-ASCII bytes go through nlohmann, for its invalid-UTF-8 handling.
// Whether any byte is >= 0x80: eight bytes at a time (a report checks ~10^5 strings).
bool has_non_ascii(std::string_view s) {
  uint64_t bits = 0;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    bits |= word;
  }
  for (; i < s.size(); ++i) bits |= static_cast<unsigned char>(s[i]);
  return (bits & 0x8080808080808080ull) != 0;
}

void append_json_string(std::string& out, std::string_view s) {
  if (has_non_ascii(s)) {
    out += nlohmann::json(std::string(s))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  // Runs of bytes that need no escape are appended whole: reports hold ~10^5 strings.
  auto plain = [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  };
  for (size_t i = 0; i < s.size();) {
    size_t run = i;
    while (run < s.size() && plain(s[run])) ++run;
    out.append(s.substr(i, run - i));
    if (run == s.size()) break;
    char c = s[run];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      }
    }
    i = run + 1;
  }
  out += '"';
}

// The members of one JSON object rendered into a single buffer, then written in key order:
// a big report has ~10^5 location members, and a string per member was most of its time.
class MemberList {
 public:
  explicit MemberList(std::string& scratch) : values_(scratch) { values_.clear(); }

  void text(std::string_view key, std::string_view value) {
    size_t begin = values_.size();
    append_json_string(values_, value);
    add(key, begin);
  }
  template <class Int>
  void number(std::string_view key, Int value) {
    size_t begin = values_.size();
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    values_.append(digits, static_cast<size_t>(end - digits));
    add(key, begin);
  }
  void raw(std::string_view key, std::string_view rendered) {
    size_t begin = values_.size();
    values_.append(rendered);
    add(key, begin);
  }

  // Written with nlohmann's pretty layout at `depth`, keys in byte order as nlohmann::json's
  // std::map keeps them.
  void write(std::string& out, int depth) {
    const std::array<uint8_t, 24>& order = key_order();
    out += "{\n";
    for (size_t i = 0; i < count_; ++i) {
      const Member& member = members_[order[i]];
      out.append(2 * (depth + 1), ' ');
      out += '"';
      out += member.key;  // keys are plain ASCII names
      out += "\": ";
      out.append(values_, member.begin, member.end - member.begin);
      out += i + 1 < count_ ? ",\n" : "\n";
    }
    out.append(2 * depth, ' ');
    out += '}';
  }

 private:
  struct Member {
    std::string_view key;
    size_t begin = 0;
    size_t end = 0;
  };
  void add(std::string_view key, size_t begin) {
    if (count_ == members_.size()) return;  // more than a location has: a bug, not a crash
    members_[count_++] = Member{key, begin, values_.size()};
  }

  // The members' indices in key order. A report repeats a few key sequences (a layer file's
  // location, a config one, a fate) ~10^5 times: each sequence is sorted once per thread,
  // recognised by its keys' addresses (the callers' string literals).
  const std::array<uint8_t, 24>& key_order() const {
    struct Sorted {
      std::array<const char*, 24> keys{};
      size_t count = 0;
      std::array<uint8_t, 24> order{};
    };
    thread_local std::array<Sorted, 8> known;
    thread_local size_t next_slot = 0;
    auto same = [&](const Sorted& k) {
      if (k.count != count_) return false;
      for (size_t i = 0; i < count_; ++i) {
        if (k.keys[i] != members_[i].key.data()) return false;
      }
      return true;
    };
    for (const Sorted& k : known) {
      if (same(k)) return k.order;
    }
    Sorted& k = known[next_slot++ % known.size()];
    k.count = count_;
    for (size_t i = 0; i < count_; ++i) {
      k.keys[i] = members_[i].key.data();
      k.order[i] = static_cast<uint8_t>(i);
    }
    std::sort(k.order.begin(), k.order.begin() + static_cast<std::ptrdiff_t>(count_),
              [&](uint8_t a, uint8_t b) { return members_[a].key < members_[b].key; });
    return k.order;
  }

  std::string& values_;
  std::array<Member, 24> members_;
  size_t count_ = 0;
};

// One location object at `depth`: the shared location fields plus the JSON report's own.
void append_location(std::string& out, const Location& l, const Redactor& redact, int depth,
                     std::string& scratch, std::string& fate_scratch) {
  MemberList m(scratch);
  visit_location_fields(l, redact, [&](const char* key, const auto& value) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(value)>>) {
      m.number(key, value);
    } else {
      m.text(key, value);
    }
  });
  m.number("line", l.line);
  m.number("column", l.column);
  m.number("offset", l.offset);
  if (l.kind != LocationKind::kLayerFile) {
    m.raw("step_mounts_secret", l.step_mounts_secret ? "true" : "false");
  }
  if (!l.fingerprint.empty()) m.text("fingerprint", l.fingerprint);
  if (l.dockerfile_line > 0) m.number("dockerfile_line", l.dockerfile_line);
  MemberList fate(fate_scratch);
  if (l.fate.changed_in) fate.number("changed_in_layer", *l.fate.changed_in);
  fate.text("kind", fate_name(l.fate.kind));
  std::string fate_text;
  fate.write(fate_text, depth + 1);
  m.raw("fate", fate_text);
  m.write(out, depth);
}

// Locations [begin, end) as they sit in the report: a finding's "locations" array is at
// depth 3 of the document, its items are objects at depth 4 (8 columns in).
std::string location_chunk(const std::vector<Location>& locations, size_t begin, size_t end,
                           const Redactor& redact) {
  std::string out;
  std::string scratch, fate_scratch;
  for (size_t i = begin; i < end; ++i) {
    if (i > 0) out += ",\n";
    out.append(8, ' ');
    append_location(out, locations[i], redact, 4, scratch, fate_scratch);
  }
  return out;
}

// Stands in for the locations in the nlohmann object; replaced in the dumped text. Its escaped
// form, after the key, cannot come from any other field (quotes inside values are escaped).
constexpr std::string_view kLocationsSlot = "\x01strata-locations\x01";
constexpr std::string_view kLocationsSlotDumped =
    "\"locations\": \"\\u0001strata-locations\\u0001\"";

nlohmann::json finding_json(const Finding& f, const Redactor& redact, const Redactor& fix_redact,
                            const ReportOptions& options) {
  nlohmann::json fj;
  fj["rule_id"] = f.rule_id;
  fj["rule_name"] = f.rule_name;
  fj["severity"] = severity_name(f.severity);
  fj["confidence"] = confidence_name(f.confidence);
  fj["validation"] = {{"checksum", validation_state_name(f.checksum)}};
  fj["fingerprint"] = f.fingerprint;
  fj["kind"] = f.secret_is_path ? "secret-file" : "secret";
  if (f.secret_is_path) {
    fj["secret"] = {{"path", f.secret.reveal()}};
  } else {
    fj["secret"] = {{"redacted", f.secret.redacted()}, {"length", f.secret.size()}};
    if (options.reveal) fj["secret"]["value"] = f.secret.reveal();
  }
  fj["counts_toward_exit"] = counts_toward_failure(f, options.fail_policy);
  if (f.suppression) {
    fj["suppression"] = {{"kind", f.suppression->kind}, {"reason", f.suppression->reason}};
  }
  fj["locations"] = kLocationsSlot;
  if (!f.remediation.empty()) {
    fj["remediation"] = remediation_fields<nlohmann::json>(f.remediation, fix_redact);
  }
  return fj;
}

// `text` with every line after the first indented by the four columns of a finding's slot in
// the findings array. Done on the threads that render findings: line by line on the writing
// thread it was a fifth of the report's time.
std::string indented(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t nl; (nl = text.find('\n')) != std::string_view::npos; text.remove_prefix(nl + 1)) {
    out.append(text.substr(0, nl));
    out.append("\n    ");
  }
  out.append(text);
  return out;
}

}  // namespace

void write_json_report(const ScanReport& report, std::ostream& out, const ReportOptions& options) {
  Redactor redact(report.findings, options.reveal);
  nlohmann::json j;
  j["schema_version"] = kSchemaVersion;
  j["tool"] = {{"name", "strata"}, {"version", STRATA_VERSION}};
  j["target"] = options.target;
  j["rules_hash"] = report.rules_hash;
  j["complete"] = report.errors.empty();
  nlohmann::json errors = nlohmann::json::array();
  for (const std::string& e : report.errors) errors.push_back(redact.text(e));
  j["errors"] = errors;
  j["skipped"] = report.skipped;
  nlohmann::json warnings = nlohmann::json::array();
  for (const std::string& w : report.warnings) warnings.push_back(redact.text(w));
  j["warnings"] = warnings;
  nlohmann::json images = nlohmann::json::array();
  for (const ImageSummary& s : report.images) {
    images.push_back({{"source", s.source},
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
      images.back()["base_image"] = base;
    }
  }
  j["images"] = images;
  j["stats"] = {{"images", report.stats.images},
                {"layers", report.stats.layers},
                {"files", report.stats.files},
                {"bytes_compressed", report.stats.bytes_compressed},
                {"bytes_scanned", report.stats.bytes_scanned},
                {"config_strings", report.stats.config_strings},
                {"seconds", report.stats.seconds}};
  Redactor fix_redact = Redactor::for_fixes(report.findings, options.reveal);
  // Findings are written a batch at a time into the document's "findings": [] slot, so memory
  // holds one batch's JSON, not the whole report's (a big image has many thousands). A batch
  // is built on every core: on a big image this text is most of the time after the scan.
  // Batches are bounded by findings and by locations (most of the text): big enough that the
  // cores rarely wait for each other, since one finding may have thousands of locations.
  j["findings"] = nlohmann::json::array();
  // Invalid UTF-8 in a path or secret must not abort the report.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  std::string frame = j.dump(2, ' ', false, kReplace);
  constexpr std::string_view kSlot = "\"findings\": []";
  size_t slot = frame.find(kSlot);  // unescaped quotes: never inside a string value
  if (report.findings.empty() || slot == std::string::npos) {
    out << frame << "\n";
    return;
  }
  out.write(frame.data(), static_cast<std::streamsize>(slot + kSlot.size() - 1));
  constexpr size_t kBatchFindings = 512;
  constexpr size_t kBatchLocations = 4096;
  constexpr size_t kChunkLocations = 256;
  // Each batch is rendered on every core in pieces (a finding's own text, and its locations
  // kChunkLocations at a time: one finding may have thousands), while a thread writes the
  // previous batch: writing megabytes costs the kernel as much as rendering them.
  struct Rendered {
    std::string before, after;  // the finding's text around its locations array
    bool slotted = false;       // whether the locations go between them
    std::vector<std::string> chunks;
  };
  auto write_batch = [&out](const std::vector<Rendered>& batch, size_t first) {
    for (size_t k = 0; k < batch.size(); ++k) {
      const Rendered& r = batch[k];
      out << (first + k ? ",\n    " : "\n    ") << r.before;
      if (!r.slotted) continue;
      if (r.chunks.empty()) {
        out << "[]";
      } else {
        out << "[\n";
        for (const std::string& chunk : r.chunks) out << chunk;
        out << "\n      ]";
      }
      out << r.after;
    }
  };
  std::vector<Rendered> rendering, writing;
  std::thread writer;
  std::exception_ptr write_failed;  // a throwing stream's exception, rethrown here
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_writer{writer};
  auto wait_for_writer = [&] {
    if (writer.joinable()) writer.join();
    if (write_failed) std::rethrow_exception(write_failed);
  };
  for (size_t first = 0, end = 0; first < report.findings.size(); first = end) {
    for (size_t locations = 0; end < report.findings.size() && end - first < kBatchFindings &&
                               locations < kBatchLocations;
         ++end) {
      locations += report.findings[end].locations.size();
    }
    rendering.assign(end - first, {});
    std::vector<std::pair<size_t, size_t>> pieces;  // (finding in batch, chunk + 1; 0: its text)
    for (size_t k = 0; k < rendering.size(); ++k) {
      size_t n = report.findings[first + k].locations.size();
      rendering[k].chunks.resize((n + kChunkLocations - 1) / kChunkLocations);
      for (size_t c = 0; c <= rendering[k].chunks.size(); ++c) pieces.emplace_back(k, c);
    }
    parallel_for(pieces.size(), core_count(), [&](size_t p) {
      auto [k, c] = pieces[p];
      const Finding& f = report.findings[first + k];
      Rendered& r = rendering[k];
      if (c > 0) {
        size_t begin = (c - 1) * kChunkLocations;
        r.chunks[c - 1] = location_chunk(
            f.locations, begin, std::min(begin + kChunkLocations, f.locations.size()), redact);
        return;
      }
      std::string text =
          indented(finding_json(f, redact, fix_redact, options).dump(2, ' ', false, kReplace));
      size_t at = text.find(kLocationsSlotDumped);
      if (at == std::string::npos) {
        r.before = std::move(text);
        return;
      }
      size_t value = at + kLocationsSlotDumped.find(": ") + 2;
      r.after = text.substr(at + kLocationsSlotDumped.size());
      text.resize(value);
      r.before = std::move(text);
      r.slotted = true;
    });
    wait_for_writer();
    std::swap(rendering, writing);
    // Without a thread the batch is written here; a failure is rethrown by wait_for_writer.
    writer = start_thread_or_run_inline([&, first] {
      try {
        write_batch(writing, first);
      } catch (...) {
        write_failed = std::current_exception();
      }
    });
  }
  wait_for_writer();
  out << "\n  ]" << std::string_view(frame).substr(slot + kSlot.size()) << "\n";
}

}  // namespace strata
