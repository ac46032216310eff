// Helpers for the integration tests on images built by tests/support/build-real-images.sh:
// the generated secrets, cached JSON scans, finding/location look-ups, and small readers for
// the image configs so tests can check history steps against what the tools really wrote.
//
//   STRATA_REQUIRE_FIXTURE(tar, "buildah-leaky.docker.tar", "buildah");
//   const RealScan& s = scan_cached({tar});          // --format json --reveal, parsed
//   const nlohmann::json* f = find_finding(s.json, "npm.", secret("NPM_TOKEN"));
//
// Header-only; not thread-safe (GoogleTest runs tests sequentially).
#pragma once

#ifdef STRATA_NO_REAL_IMAGES
#error "a test file listed in tests/CMakeLists.txt as needing no real images includes real_scan.hpp"
#endif

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

// Skips the test when a fixture is missing (the tool that makes it is not installed or failed);
// fails it instead in CI (CI=true, skip_or_fail.hpp).
#define STRATA_REQUIRE_FIXTURE(var, name, tool)                                                  \
  const std::string var = ::strata::test::real_fixture(name);                                    \
  if (var.empty()) {                                                                             \
    STRATA_SKIP_OR_FAIL() << "fixture " << (name) << " missing: " << (tool) << " not available"; \
  }

namespace strata::test::real {

using nlohmann::json;

// OUTDIR/secrets.json: {"NAME": "value"}; empty when the fixtures were not built.
inline const json& secrets() {
  static const json kSecrets = [] {
    std::string path = real_fixture("secrets.json");
    if (path.empty()) return json::object();
    json j = json::parse(read_file(path), nullptr, false);
    return j.is_object() ? j : json::object();
  }();
  return kSecrets;
}

inline std::string secret(const std::string& name) {
  const json& s = secrets();
  auto it = s.find(name);
  return it != s.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct RealScan {
  RunResult run;
  json json_report;  // null when stdout was not JSON
};

// Runs `strata scan ARGS... --format json --reveal`; parses stdout.
inline RealScan scan_json(const std::vector<std::string>& args,
                          const std::string& stdin_file = "") {
  std::vector<std::string> full = {"scan"};
  full.insert(full.end(), args.begin(), args.end());
  full.insert(full.end(), {"--format", "json", "--reveal"});
  RealScan s;
  s.run = run_strata(full, stdin_file, 120);
  s.json_report = json::parse(s.run.out, nullptr, false);
  if (s.json_report.is_discarded()) s.json_report = nullptr;
  return s;
}

// The same scan is asked for by many tests: run it once per process.
inline const RealScan& scan_cached(const std::vector<std::string>& args) {
  static std::map<std::vector<std::string>, RealScan> cache;
  auto it = cache.find(args);
  if (it == cache.end()) it = cache.emplace(args, scan_json(args)).first;
  return it->second;
}

inline std::string describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err.substr(0, 2000) +
         "\nstdout: " + r.out.substr(0, 2000);
}

inline const json& findings_of(const json& report) {
  static const json kEmpty = json::array();
  if (!report.is_object()) return kEmpty;
  auto it = report.find("findings");
  return it != report.end() && it->is_array() ? *it : kEmpty;
}

inline std::string str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::optional<int64_t> num(const json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

inline std::string secret_value(const json& finding) {
  return finding.contains("secret") ? str(finding["secret"], "value") : std::string();
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The finding whose rule id starts with `rule_prefix` and whose revealed value is `value`.
inline const json* find_finding(const json& report, std::string_view rule_prefix,
                                const std::string& value) {
  if (value.empty()) return nullptr;
  for (const json& f : findings_of(report)) {
    if (starts_with(str(f, "rule_id"), rule_prefix) && secret_value(f) == value) return &f;
  }
  return nullptr;
}

// Any finding (any rule) whose revealed value contains `value`.
inline const json* find_any_containing(const json& report, const std::string& value) {
  if (value.empty()) return nullptr;
  for (const json& f : findings_of(report)) {
    if (secret_value(f).find(value) != std::string::npos) return &f;
  }
  return nullptr;
}

inline std::vector<json> locations(const json& finding, std::string_view kind) {
  std::vector<json> out;
  if (!finding.contains("locations")) return out;
  for (const json& l : finding["locations"]) {
    if (str(l, "kind") == kind) out.push_back(l);
  }
  return out;
}

inline std::vector<json> layer_locations_at(const json& finding, const std::string& path) {
  std::vector<json> out;
  for (const json& l : locations(finding, "layer-file")) {
    if (str(l, "path") == path) out.push_back(l);
  }
  return out;
}

inline std::string fate_kind(const json& location) {
  return location.contains("fate") ? str(location["fate"], "kind") : std::string();
}

inline std::optional<int64_t> changed_in_layer(const json& location) {
  return location.contains("fate") ? num(location["fate"], "changed_in_layer") : std::nullopt;
}

// (rule id, secret value) of every finding: what must not depend on the image format.
inline std::set<std::pair<std::string, std::string>> finding_keys(const json& report) {
  std::set<std::pair<std::string, std::string>> keys;
  for (const json& f : findings_of(report)) keys.emplace(str(f, "rule_id"), secret_value(f));
  return keys;
}

// ---- reading what the tools wrote ------------------------------------------------------------

// Members of a plain (uncompressed) tar, name -> content. For the small fixture archives only.
struct TarMember {
  std::string name;
  uint64_t data_offset = 0;  // where its content starts in the archive
  uint64_t size = 0;
};

inline std::vector<TarMember> list_tar(const std::string& bytes) {
  std::vector<TarMember> out;
  uint64_t pos = 0;
  std::string long_name;
  while (pos + 512 <= bytes.size()) {
    const char* h = bytes.data() + pos;
    if (h[0] == '\0') break;  // end-of-archive block
    std::string name(h, strnlen(h, 100));
    std::string prefix(h + 345, strnlen(h + 345, 155));
    if (!prefix.empty() && std::memcmp(h + 257, "ustar", 5) == 0) name = prefix + "/" + name;
    uint64_t size = std::strtoull(std::string(h + 124, 12).c_str(), nullptr, 8);
    char type = h[156];
    uint64_t data = pos + 512;
    if (type == 'L') {
      long_name = bytes.substr(data, size);
      long_name = long_name.c_str();
    } else if (type != 'x' && type != 'g') {
      if (!long_name.empty()) name = long_name;
      long_name.clear();
      out.push_back({name, data, size});
    }
    pos = data + (size + 511) / 512 * 512;
  }
  return out;
}

inline std::string tar_member(const std::string& bytes, const std::string& name) {
  for (const TarMember& m : list_tar(bytes)) {
    std::string n = m.name;
    if (starts_with(n, "./")) n = n.substr(2);
    if (n == name) return bytes.substr(m.data_offset, m.size);
  }
  return "";
}

// The image config of the first image in a docker-archive (legacy `docker save` layout).
inline json docker_archive_config(const std::string& path) {
  std::string bytes = read_file(path);
  json manifest = json::parse(tar_member(bytes, "manifest.json"), nullptr, false);
  if (!manifest.is_array() || manifest.empty()) return nullptr;
  json config = json::parse(tar_member(bytes, str(manifest[0], "Config")), nullptr, false);
  return config.is_discarded() ? json(nullptr) : config;
}

inline json read_json_file(const std::string& path) {
  json j = json::parse(read_file(path), nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

inline std::string oci_blob_path(const std::string& dir, const std::string& digest) {
  auto colon = digest.find(':');
  if (colon == std::string::npos) return "";
  return dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

// The image config of the first manifest of an OCI layout dir, following nested indexes and
// picking `arch` when several platforms are listed.
inline json oci_dir_config(const std::string& dir, const std::string& arch = "amd64") {
  json node = read_json_file(dir + "/index.json");
  for (int depth = 0; depth < 4 && node.is_object(); ++depth) {
    if (node.contains("config")) {
      return read_json_file(oci_blob_path(dir, str(node["config"], "digest")));
    }
    if (!node.contains("manifests") || node["manifests"].empty()) return nullptr;
    const json* pick = &node["manifests"][0];
    for (const json& m : node["manifests"]) {
      if (m.contains("platform") && str(m["platform"], "architecture") == arch) pick = &m;
    }
    node = read_json_file(oci_blob_path(dir, str(*pick, "digest")));
  }
  return nullptr;
}

inline std::string history_created_by(const json& config, int64_t step) {
  if (!config.is_object() || !config.contains("history")) return "";
  const json& h = config["history"];
  if (step < 0 || step >= static_cast<int64_t>(h.size())) return "";
  return str(h[step], "created_by");
}

}  // namespace strata::test::real
