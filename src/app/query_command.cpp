#include "query_command.hpp"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "exit_codes.hpp"
#include "report_output.hpp"
#include "rule_loading.hpp"
#include "stored_image_report.hpp"
#include "strata/store/store.hpp"

namespace strata::app {
namespace {

// Every fate's name, as reports spell it ("present", "deleted", …), in FateKind's order.
std::vector<std::string> fate_names() {
  std::vector<std::string> names;
  for (int k = 0; k <= static_cast<int>(FateKind::kNotInFilesystem); ++k) {
    names.push_back(fate_name(static_cast<FateKind>(k)));
  }
  return names;
}

std::optional<FateKind> fate_kind(const std::string& name) {
  std::vector<std::string> names = fate_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (name == names[i]) return static_cast<FateKind>(i);
  }
  return std::nullopt;
}

std::string utc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

std::string image_name(const QueryRow& r) {
  std::string name = r.registry.empty() ? r.repository : r.registry + "/" + r.repository;
  return (r.tag.empty() ? name : name + ":" + r.tag) + "@" + r.manifest_digest;
}

nlohmann::json row_json(const QueryRow& r) {
  nlohmann::json j = {{"image", image_name(r)},
                      {"registry", r.registry},
                      {"repository", r.repository},
                      {"tag", r.tag},
                      {"manifest_digest", r.manifest_digest},
                      {"platform", r.platform},
                      {"rule_id", r.rule_id},
                      {"severity", severity_name(r.severity)},
                      {"fingerprint", r.fingerprint},
                      {"preview", r.preview},
                      {"fate", fate_name(r.fate.kind)},
                      {"first_seen", utc(r.first_seen)},
                      {"last_seen", utc(r.last_seen)},
                      {"first_seen_sweep", r.first_seen_sweep},
                      {"last_seen_sweep", r.last_seen_sweep}};
  if (!r.layer.empty()) j["layer"] = r.layer;
  if (!r.path.empty()) j["path"] = r.path;
  if (r.line) j["line"] = r.line;
  if (!r.config_location.empty()) j["config_location"] = r.config_location;
  if (r.fate.changed_in) j["fate_changed_in_layer"] = *r.fate.changed_in;
  if (r.history_step) j["history_step"] = *r.history_step;
  if (!r.created_by.empty()) j["created_by"] = r.created_by;
  return j;
}

void print_text(const std::vector<QueryRow>& rows) {
  for (const QueryRow& r : rows) {
    std::string where = r.path.empty() ? r.config_location : r.path;
    if (r.line) where += ":" + std::to_string(r.line);
    std::cout << severity_name(r.severity) << "  " << r.rule_id << "  " << r.preview << "\n"
              << "  " << image_name(r) << (r.platform.empty() ? "" : " " + r.platform) << "\n"
              << "  " << (r.layer.empty() ? "config" : "layer " + r.layer) << ": " << where << "  ("
              << fate_name(r.fate.kind) << ")";
    if (r.history_step) std::cout << "  history step " << *r.history_step;
    std::cout << "\n  fingerprint " << r.fingerprint << ", first seen " << utc(r.first_seen)
              << ", last seen " << utc(r.last_seen) << "\n";
  }
  std::cout << rows.size() << " location(s)\n";
}

// The sweep before the newest: what the newest found first is new since that one.
Result<int64_t> sweep_before_last(Store& store) {
  auto sweeps = store.sweeps();
  if (!sweeps) return fail(sweeps.error());
  if (sweeps->size() < 2)
    return fail("--new-since last-sweep: the store holds fewer than two sweeps");
  return (*sweeps)[sweeps->size() - 2].id;
}

Result<QueryFilter> filter_from(const QueryCommandOptions& o, Store& store) {
  QueryFilter f;
  if (o.secret_stdin) {
    std::string secret(std::istreambuf_iterator<char>(std::cin), {});
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return fail("--secret-stdin: no secret on standard input");
    f.secret_hash = store.secret_key_hash(secret);
  }
  f.fingerprint = o.fingerprint;
  f.rules = o.rules;
  if (!o.severity.empty()) {
    auto s = parse_severity(o.severity);
    if (!s) return fail(s.error().with_context("--severity"));
    f.min_severity = *s;
  }
  if (!o.fate.empty()) f.fate = fate_kind(o.fate);
  f.repository = o.repository;
  f.image = o.image;
  f.layer = o.layer;
  if (o.new_since == "last-sweep") {
    auto id = sweep_before_last(store);
    if (!id) return fail(id.error());
    f.new_since_sweep = *id;
  } else if (!o.new_since.empty()) {
    try {
      f.new_since_sweep = std::stoll(o.new_since);
    } catch (const std::exception&) {
      return fail("--new-since: expected a sweep id or last-sweep, got " + o.new_since);
    }
  }
  return f;
}

// --image with no other filter: the image's stored report rather than rows.
bool asks_for_image_report(const QueryCommandOptions& o) {
  return !o.image.empty() && !o.secret_stdin && o.fingerprint.empty() && o.rules.empty() &&
         o.severity.empty() && o.fate.empty() && o.repository.empty() && o.layer.empty() &&
         o.new_since.empty();
}

int run_image_report(const QueryCommandOptions& o, Store& store) {
  auto images = store.image_findings(o.image);
  auto rules = load_rules({});
  if (!images || !rules) {
    spdlog::error("query: {}", !images ? images.error().message : rules.error().message);
    return kExitIncomplete;
  }
  ScanReport report = stored_image_report(*images, *rules);
  ReportOptions options;
  options.reveal = o.reveal;
  options.target = o.image;
  Status written = write_report(ReportRequest{o.format, o.output == "-" ? "" : o.output}, report,
                                *rules, options, /*no_color=*/false);
  if (!written) {
    spdlog::error("{}", written.error().message);
    return kExitIncomplete;
  }
  return kExitClean;
}

}  // namespace

void add_query_command(CLI::App& app, QueryCommandOptions& o) {
  CLI::App* query = app.add_subcommand(
      "query", "Ask a findings store (strata scan --db) which images hold a secret, and where");
  query->add_option("--db", o.db, "The findings store (SQLite file)")
      ->required()
      ->type_name("FILE");
  query->add_flag("--secret-stdin", o.secret_stdin,
                  "Look for the secret read from standard input (compared by keyed hash)");
  query->add_option("--fingerprint", o.fingerprint, "A finding fingerprint, or a prefix of it");
  query->add_option("--rule", o.rules, "Rule id glob ('aws.*'); repeatable")
      ->allow_extra_args(false);
  query->add_option("--severity", o.severity, "Lowest severity shown")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  query->add_option("--fate", o.fate, "Only locations with this fate")
      ->check(CLI::IsMember(fate_names()));
  query->add_option("--repo", o.repository, "Repository glob ('team/*')");
  query->add_option("--image", o.image, "An image: registry/repo:tag, …@sha256:…, or a digest");
  query->add_option("--layer", o.layer, "A layer digest");
  query->add_option("--new-since", o.new_since,
                    "Only what was first seen after this sweep (an id, or last-sweep: what the "
                    "newest sweep found that the ones before did not)");
  query
      ->add_option("-f,--format", o.format,
                   "Output format; with --image alone also sarif or gitlab (the image's report)")
      ->check(CLI::IsMember({"text", "json", "sarif", "gitlab"}))
      ->capture_default_str();
  query->add_option("-o,--output", o.output, "With --image alone: write the report here");
  query->add_flag("--reveal", o.reveal,
                  "With --image alone: show secret values the store keeps (--store-secrets)");
}

int run_query_command(const QueryCommandOptions& o) {
  auto store = open_store(o.db);
  if (!store) {
    spdlog::error("{}", store.error().message);
    return kExitIncomplete;
  }
  if (asks_for_image_report(o)) return run_image_report(o, **store);
  if (o.format != "text" && o.format != "json") {
    spdlog::error("query: --format {} is for an image's report: give --image REF alone", o.format);
    return kExitIncomplete;
  }
  auto filter = filter_from(o, **store);
  auto rows = filter ? (*store)->query(*filter) : fail(filter.error());
  if (!rows) {
    spdlog::error("query: {}", rows.error().message);
    return kExitIncomplete;
  }
  if (o.format == "json") {
    nlohmann::json out = {{"locations", nlohmann::json::array()}};
    for (const QueryRow& r : *rows) out["locations"].push_back(row_json(r));
    out["count"] = rows->size();
    std::cout << out.dump(2) << "\n";
  } else {
    print_text(*rows);
  }
  return kExitClean;
}

}  // namespace strata::app
