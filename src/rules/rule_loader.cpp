// Loads patterns/*.yml into a RuleSet. Every error names the file and the rule.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "rule_cache.hpp"
#include "strata/core/byte_stream.hpp"
#include "strata/core/parallel_for.hpp"
#include "strata/rules/rule.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;

const std::set<std::string, std::less<>> kKnownFields = {
    "id",          "name",       "description", "pattern",  "secret_group",
    "min_entropy", "severity",   "confidence",  "generic",  "case_insensitive",
    "categories",  "references", "allow",       "examples", "negative_examples",
    "checksum",    "prefilter",  "expect"};
const std::vector<std::string> kRequiredFields = {"id", "name", "pattern", "severity"};

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
  };
  return std::ranges::all_of(id, ok) && id.front() != '.' && id.back() != '.';
}

bool valid_group_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || (name.front() >= '0' && name.front() <= '9')) {
    return false;
  }
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<std::string> scalar(const YAML::Node& node, std::string_view field) {
  if (!node.IsScalar()) return fail("field '" + std::string(field) + "': expected a string");
  return node.Scalar();
}

Result<bool> boolean(const YAML::Node& node, std::string_view field) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return fail("field '" + std::string(field) + "': expected true or false");
  }
  return value;
}

Result<std::vector<std::string>> string_list(const YAML::Node& node, std::string_view field) {
  if (!node.IsSequence()) return fail("field '" + std::string(field) + "': expected a list");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      return fail("field '" + std::string(field) + "': every item must be a string");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::vector<RuleExample>> example_list(const YAML::Node& node) {
  if (!node.IsSequence()) return fail("field 'examples': expected a list");
  std::vector<RuleExample> out;
  for (const auto& item : node) {
    if (item.IsScalar()) {
      out.push_back(RuleExample{item.Scalar(), std::nullopt});
      continue;
    }
    if (!item.IsMap() || !item["text"] || !item["text"].IsScalar()) {
      return fail("field 'examples': each item is a string or a map with 'text' (and 'secret')");
    }
    for (const auto& kv : item) {
      auto key = kv.first.Scalar();
      if (key != "text" && key != "secret") {
        return fail("field 'examples': unknown key '" + key + "' (expected text, secret)");
      }
    }
    RuleExample example{item["text"].Scalar(), std::nullopt};
    if (item["secret"]) {
      if (!item["secret"].IsScalar()) return fail("field 'examples': 'secret' must be a string");
      example.secret = item["secret"].Scalar();
    }
    out.push_back(std::move(example));
  }
  return out;
}

// `expect: {iss: '^https://example\.com/', role: service_role}`: each value a regex, kept as
// "field=regex" in the map's order.
Status parse_expect(const YAML::Node& value, Rule& rule) {
  if (!value.IsMap()) return fail("field 'expect': expected a map of field: regex");
  for (const auto& kv : value) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar() || kv.first.Scalar().empty()) {
      return fail("field 'expect': expected a map of field: regex");
    }
    try {
      std::regex check(kv.second.Scalar());
    } catch (const std::regex_error& e) {
      return fail("field 'expect': " + kv.first.Scalar() + ": invalid regex: " + e.what());
    }
    rule.expect.push_back(kv.first.Scalar() + "=" + kv.second.Scalar());
  }
  return {};
}

Status set_field(Rule& rule, const std::string& key, const YAML::Node& value) {
  auto assign_string = [&](std::string& target) -> Status {
    auto s = scalar(value, key);
    if (!s) return fail(s.error());
    target = std::move(*s);
    return {};
  };
  auto assign_list = [&](std::vector<std::string>& target) -> Status {
    auto list = string_list(value, key);
    if (!list) return fail(list.error());
    target = std::move(*list);
    return {};
  };
  auto assign_bool = [&](bool& target) -> Status {
    auto b = boolean(value, key);
    if (!b) return fail(b.error());
    target = *b;
    return {};
  };
  if (key == "id") return assign_string(rule.id);
  if (key == "name") return assign_string(rule.name);
  if (key == "description") return assign_string(rule.description);
  if (key == "pattern") return assign_string(rule.pattern);
  if (key == "prefilter") return assign_string(rule.prefilter);
  if (key == "secret_group") return assign_string(rule.secret_group);
  if (key == "generic") return assign_bool(rule.generic);
  if (key == "case_insensitive") return assign_bool(rule.case_insensitive);
  if (key == "categories") return assign_list(rule.categories);
  if (key == "references") return assign_list(rule.references);
  if (key == "allow") return assign_list(rule.allow);
  if (key == "negative_examples") return assign_list(rule.negative_examples);
  if (key == "examples") {
    auto examples = example_list(value);
    if (!examples) return fail(examples.error());
    rule.examples = std::move(*examples);
    return {};
  }
  if (key == "min_entropy") {
    double entropy = 0;
    if (!value.IsScalar() || !YAML::convert<double>::decode(value, entropy) || !(entropy >= 0) ||
        entropy > 8) {
      return fail("field 'min_entropy': expected a number from 0 to 8 (bits per character)");
    }
    rule.min_entropy = entropy;
    return {};
  }
  if (key == "checksum") {
    auto text = scalar(value, key);
    if (!text) return fail(text.error());
    auto kind = parse_checksum_kind(*text);
    if (!kind) return fail(kind.error().with_context("field 'checksum'"));
    rule.checksum = *kind;
    return {};
  }
  if (key == "expect") return parse_expect(value, rule);
  if (key == "severity" || key == "confidence") {
    auto text = scalar(value, key);
    if (!text) return fail(text.error());
    if (key == "severity") {
      auto s = parse_severity(*text);
      if (!s) return fail(s.error());
      rule.severity = *s;
    } else {
      auto c = parse_confidence(*text);
      if (!c) return fail(c.error());
      rule.confidence = *c;
    }
    return {};
  }
  return fail("unknown field '" + key + "'");
}

Result<Rule> parse_rule(const YAML::Node& node, const std::string& file, size_t index) {
  std::string where = file + ": rule #" + std::to_string(index + 1);
  if (!node.IsMap()) return fail(where + ": expected a map of fields");
  if (node["id"] && node["id"].IsScalar() && !node["id"].Scalar().empty()) {
    where = file + ": rule " + node["id"].Scalar();
  }
  Rule rule;
  rule.source_file = file;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) return fail(where + ": field names must be strings");
    const std::string key = kv.first.Scalar();
    if (!kKnownFields.contains(key)) return fail(where + ": unknown field '" + key + "'");
    if (auto st = set_field(rule, key, kv.second); !st) return fail(st.error().with_context(where));
  }
  for (const auto& required : kRequiredFields) {
    if (!node[required]) return fail(where + ": missing field '" + required + "'");
  }
  if (!valid_id(rule.id)) {
    return fail(where + ": id must be lower-case letters, digits, '.', '-' or '_'");
  }
  if (rule.name.empty()) return fail(where + ": field 'name' is empty");
  if (rule.pattern.empty()) return fail(where + ": field 'pattern' is empty");
  if (!valid_group_name(rule.secret_group)) {
    return fail(where + ": field 'secret_group': expected a capture group name");
  }
  bool structured =
      rule.checksum == ChecksumKind::kJwt || rule.checksum == ChecksumKind::kBase64Json;
  if (!rule.expect.empty() && !structured) {
    return fail(where + ": field 'expect' needs checksum jwt or base64-json");
  }
  return rule;
}

// One file's rules, in order, up to the first error (ids are checked by the caller, which
// reports a duplicate among the rules before that error first, as reading in order would).
struct ParsedFile {
  std::vector<Rule> rules;
  std::optional<Error> error;
};

// `bytes`: the file's contents, or nothing when it could not be read.
ParsedFile parse_file(const std::string& file, const std::optional<std::string>& bytes) {
  ParsedFile out;
  auto failed = [&](std::string message) {
    out.error = Error{std::move(message)};
    return std::move(out);
  };
  if (!bytes) return failed(file + ": cannot open");
  YAML::Node root;
  try {
    root = YAML::Load(*bytes);
  } catch (const YAML::Exception& e) {
    return failed(file + ": invalid YAML: " + e.what());
  }
  if (!root.IsMap() || !root["rules"]) return failed(file + ": expected a top-level 'rules:' list");
  for (const auto& kv : root) {
    if (kv.first.Scalar() != "rules") {
      return failed(file + ": unknown top-level field '" + kv.first.Scalar() + "'");
    }
  }
  const YAML::Node rules = root["rules"];
  if (!rules.IsSequence()) return failed(file + ": 'rules' must be a list");
  for (size_t i = 0; i < rules.size(); ++i) {
    Result<Rule> rule;
    try {
      rule = parse_rule(rules[i], file, i);
    } catch (const YAML::Exception& e) {
      return failed(file + ": rule #" + std::to_string(i + 1) + ": " + e.what());
    }
    if (!rule) {
      out.error = rule.error();
      return out;
    }
    out.rules.push_back(std::move(*rule));
  }
  return out;
}

bool is_rule_file(const fs::path& path) {
  auto ext = path.extension().string();
  return ext == ".yml" || ext == ".yaml";
}

}  // namespace

Result<RuleSet> load_rule_files(const std::vector<std::string>& paths) {
  return load_rule_files(paths, "");
}

Result<RuleSet> load_rule_files(const std::vector<std::string>& paths,
                                const std::string& shipped_dir) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (is_rule_file(it->path()) && it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    if (ec) return fail(path + ": cannot list directory: " + ec.message());
    if (found.empty()) return fail(path + ": no *.yml or *.yaml rule files");
    std::ranges::sort(found);  // a stable load order keeps rule indices stable
    files.insert(files.end(), found.begin(), found.end());
  }
  // yaml-cpp parses slowly (the shipped catalogue takes ~40 ms on one core, all of it before
  // a scan can start): a set parsed before is read back from the disk cache, keyed by the
  // files' paths and bytes; otherwise the files are parsed on every core, then taken in order.
  std::vector<std::optional<std::string>> bytes(files.size());
  std::vector<rules_detail::RuleCache::FileBytes> contents;
  for (size_t i = 0; i < files.size(); ++i) {
    bytes[i] = read_whole_file(files[i]);
    if (bytes[i]) contents.emplace_back(files[i], *bytes[i]);
  }
  // Only when every file could be read: otherwise parsing reports which could not.
  std::optional<rules_detail::RuleCache> cache;
  if (contents.size() == files.size()) {
    // This file's build time: a rebuilt parser never reads what an older one parsed.
    cache.emplace(contents, __DATE__ " " __TIME__);
    if (auto cached = cache->load(); cached && shipped_dir.empty()) return std::move(*cached);
  }
  std::vector<ParsedFile> parsed(files.size());
  parallel_for(files.size(), core_count(),
               [&](size_t i) { parsed[i] = parse_file(files[i], bytes[i]); });
  RuleSet set;
  std::map<std::string, std::string, std::less<>> seen;
  for (size_t f = 0; f < files.size(); ++f) {
    for (Rule& rule : parsed[f].rules) {
      if (auto [it, inserted] = seen.emplace(rule.id, files[f]); !inserted) {
        return fail(files[f] + ": rule " + rule.id + ": duplicate id (also defined in " +
                    it->second + ")");
      }
      set.rules.push_back(std::move(rule));
    }
    if (parsed[f].error) return fail(*parsed[f].error);
  }
  if (cache) cache->store(set);  // only a set that loaded without error
  if (cache && !shipped_dir.empty()) cache->store_shipped(set, shipped_dir);
  return set;
}

}  // namespace strata
