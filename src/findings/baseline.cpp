#include "strata/findings/baseline.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "strata/findings/fingerprint.hpp"

namespace strata {
namespace {

using nlohmann::json;

constexpr uintmax_t kMaxBaselineBytes = 256ull << 20;
// The only keys a baseline needs, in either format: everything else (descriptions,
// remediation, rule metadata) is dropped while parsing, so memory follows the number of
// findings rather than the size of the report.
const std::set<std::string, std::less<>> kKeptKeys = {
    // JSON report
    "schema_version", "findings", "fingerprint", "locations", "suppression", "kind",
    // SARIF log
    "runs", "tool", "driver", "name", "results", std::string(kSarifFingerprintKey),
    std::string(kSarifLocationFingerprintKey), "partialFingerprints", "relatedLocations",
    "properties", "location_fingerprint", "suppressions", "justification"};

bool is_fingerprint(const json& j) {
  return j.is_string() && strata::is_fingerprint(j.get_ref<const std::string&>());
}

const json* member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// A finding the previous run's ignore file suppressed is not accepted by the baseline: when
// the ignore entry expires or is removed, the finding must count again.
bool suppressed_by_ignore_file(const json& finding) {
  const json* suppression = member(finding, "suppression");
  const json* kind = suppression ? member(*suppression, "kind") : nullptr;
  return kind && *kind == "ignore-file";
}

bool sarif_suppressed_by_ignore_file(const json& result) {
  const json* suppressions = member(result, "suppressions");
  if (!suppressions || !suppressions->is_array()) return false;
  return std::any_of(suppressions->begin(), suppressions->end(), [](const json& s) {
    const json* why = member(s, "justification");
    return why && why->is_string() &&
           why->get_ref<const std::string&>().starts_with("ignore-file:");
  });
}

Status read_json_report(const json& doc, Baseline& out) {
  const json* version = member(doc, "schema_version");
  if (!version || !version->is_number_integer()) return fail("no schema_version");
  if (version->get<int64_t>() != 1) {
    return fail("schema_version " + version->dump() + " is not supported (expected 1)");
  }
  const json* findings = member(doc, "findings");
  if (!findings || !findings->is_array()) return fail("'findings' is not an array");
  for (size_t i = 0; i < findings->size(); ++i) {
    const json& f = (*findings)[i];
    std::string where = "findings[" + std::to_string(i) + "]";
    const json* fp = member(f, "fingerprint");
    if (!fp || !is_fingerprint(*fp)) return fail(where + ": no valid fingerprint (32 hex digits)");
    if (suppressed_by_ignore_file(f)) continue;
    out.findings.insert(fp->get<std::string>());
    // Location fingerprints are optional: reports written before they existed lack them.
    if (const json* locations = member(f, "locations"); locations && locations->is_array()) {
      for (const json& l : *locations) {
        if (const json* lfp = member(l, "fingerprint"); lfp && is_fingerprint(*lfp)) {
          out.locations.insert(lfp->get<std::string>());
        }
      }
    }
  }
  return {};
}

Status read_sarif_log(const json& doc, Baseline& out) {
  const json* runs = member(doc, "runs");
  if (!runs || !runs->is_array()) return fail("SARIF log without 'runs'");
  bool strata_run = false;
  for (size_t r = 0; r < runs->size(); ++r) {
    const json& run = (*runs)[r];
    const json* tool = member(run, "tool");
    const json* driver = tool ? member(*tool, "driver") : nullptr;
    const json* name = driver ? member(*driver, "name") : nullptr;
    if (!name || *name != "strata") continue;  // another tool's run: nothing of ours
    strata_run = true;
    const json* results = member(run, "results");
    if (!results) continue;
    if (!results->is_array()) return fail("runs[" + std::to_string(r) + "].results: not an array");
    for (size_t i = 0; i < results->size(); ++i) {
      std::string where = "runs[" + std::to_string(r) + "].results[" + std::to_string(i) + "]";
      const json* fps = member((*results)[i], "partialFingerprints");
      const json* fp = fps ? member(*fps, kSarifFingerprintKey) : nullptr;
      if (!fp || !is_fingerprint(*fp)) {
        return fail(where + ": no partialFingerprints." + std::string(kSarifFingerprintKey));
      }
      if (sarif_suppressed_by_ignore_file((*results)[i])) continue;
      out.findings.insert(fp->get<std::string>());
      if (const json* lfp = member(*fps, kSarifLocationFingerprintKey);
          lfp && is_fingerprint(*lfp)) {
        out.locations.insert(lfp->get<std::string>());
      }
      // Every location's fingerprint is also in its properties bag.
      for (const char* key : {"locations", "relatedLocations"}) {
        const json* list = member((*results)[i], key);
        if (!list || !list->is_array()) continue;
        for (const json& l : *list) {
          const json* props = member(l, "properties");
          const json* lfp = props ? member(*props, "location_fingerprint") : nullptr;
          if (lfp && is_fingerprint(*lfp)) out.locations.insert(lfp->get<std::string>());
        }
      }
    }
  }
  if (!strata_run) return fail("SARIF log has no run by strata");
  return {};
}

// Parses `input` (a string or a stream) keeping only kKeptKeys: discarded values are never
// built.
template <typename Input>
Result<Baseline> parse_input(Input&& input, const std::string& path) {
  std::string what = "baseline " + path;
  json::parser_callback_t keep = [](int, json::parse_event_t event, json& parsed) {
    return event != json::parse_event_t::key ||
           kKeptKeys.contains(parsed.get_ref<const std::string&>());
  };
  json doc;
  try {
    doc = json::parse(std::forward<Input>(input), keep);
  } catch (const json::parse_error& e) {
    // e.what() quotes the bytes it read, which may be a revealed secret: give the offset only.
    return fail(what + ": invalid JSON at byte " + std::to_string(e.byte));
  } catch (const json::exception&) {
    // A number too large for a double (1e999) throws out_of_range, whose what() quotes it.
    return fail(what + ": invalid JSON: a number out of range");
  }
  Baseline baseline;
  baseline.path = path;
  Status read;
  if (member(doc, "runs")) {
    read = read_sarif_log(doc, baseline);
  } else if (member(doc, "findings")) {
    read = read_json_report(doc, baseline);
  } else {
    read = fail("not a strata report: expected a JSON report (--format json) or SARIF log");
  }
  if (!read) return fail(read.error().with_context(what));
  return baseline;
}

}  // namespace

Result<Baseline> Baseline::parse(std::string_view text, const std::string& path) {
  return parse_input(text, path);
}

Result<Baseline> Baseline::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail("baseline " + path + ": no such file");
  }
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return fail("baseline " + path + ": " + ec.message());
  if (size > kMaxBaselineBytes) {
    return fail("baseline " + path + ": larger than " + std::to_string(kMaxBaselineBytes >> 20) +
                " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("baseline " + path + ": cannot open");
  // Streamed: the file's text is never held whole.
  auto baseline = parse_input(in, path);
  if (in.bad()) return fail("baseline " + path + ": read error");
  return baseline;
}

size_t apply_baseline(const Baseline& baseline, std::vector<Finding>& findings) {
  size_t suppressed = 0;
  for (Finding& f : findings) {
    if (f.suppression || !baseline.findings.contains(f.fingerprint)) continue;
    size_t new_places = 0;
    if (!baseline.locations.empty()) {
      for (const Location& l : f.locations) {
        if (!baseline.locations.contains(l.fingerprint)) ++new_places;
      }
    }
    std::string reason = "in baseline " + baseline.path;
    if (new_places > 0) {
      reason += "; seen at " + std::to_string(new_places) + " new place" +
                (new_places == 1 ? "" : "s") + " since";
    }
    f.suppression = Suppression{"baseline", reason};
    ++suppressed;
  }
  return suppressed;
}

}  // namespace strata
