#include "config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace strata::app {
namespace {

Result<std::vector<std::string>> string_list(const YAML::Node& node, const std::string& key) {
  if (node.IsNull()) return std::vector<std::string>{};
  if (!node.IsSequence()) return fail("'" + key + "': expected a list");
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) return fail("'" + key + "': every item must be a string");
    out.push_back(item.Scalar());
  }
  return out;
}

// Rule paths in a config file are relative to that file, so the config works from any cwd.
std::string relative_to(const std::string& config_path, const std::string& path) {
  fs::path p(path);
  if (p.is_absolute()) return path;
  return (fs::path(config_path).parent_path() / p).lexically_normal().string();
}

Status apply_key(ConfigFile& config, const std::string& key, const YAML::Node& value) {
  if (key == "rules" || key == "disable_rules" || key == "only_rules") {
    auto list = string_list(value, key);
    if (!list) return fail(list.error());
    if (key == "rules") {
      for (const auto& path : *list) config.rules.push_back(relative_to(config.path, path));
    } else if (key == "disable_rules") {
      config.selection.disable = std::move(*list);
    } else {
      config.selection.only = std::move(*list);
    }
    return {};
  }
  if (key == "severity") {
    if (value.IsNull()) return {};
    if (!value.IsMap()) return fail("'severity': expected a map of rule id to severity");
    for (const auto& kv : value) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
        return fail("'severity': expected rule id: severity pairs");
      }
      auto severity = parse_severity(kv.second.Scalar());
      if (!severity) return fail(severity.error().with_context("'severity': " + kv.first.Scalar()));
      config.selection.severity.emplace_back(kv.first.Scalar(), *severity);
    }
    return {};
  }
  if (key == "baseline" || key == "ignore_file") {
    if (!value.IsScalar()) return fail("'" + key + "': expected a file path");
    (key == "baseline" ? config.baseline : config.ignore_file) =
        relative_to(config.path, value.Scalar());
    return {};
  }
  return fail("unknown key '" + key +
              "' (expected rules, disable_rules, only_rules, severity, baseline, ignore_file)");
}

}  // namespace

Result<ConfigFile> parse_config_file(const std::string& path) {
  ConfigFile config;
  config.path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return fail("config " + path + ": cannot open");
  } catch (const YAML::Exception& e) {
    return fail("config " + path + ": invalid YAML: " + e.what());
  }
  if (root.IsNull()) return config;  // an empty file configures nothing
  if (!root.IsMap()) return fail("config " + path + ": expected a map of keys");
  try {
    for (const auto& kv : root) {
      if (!kv.first.IsScalar()) return fail("config " + path + ": keys must be strings");
      if (auto st = apply_key(config, kv.first.Scalar(), kv.second); !st) {
        return fail(st.error().with_context("config " + path));
      }
    }
  } catch (const YAML::Exception& e) {
    return fail("config " + path + ": " + e.what());
  }
  return config;
}

Result<ConfigFile> load_config(const std::optional<std::string>& explicit_path) {
  std::error_code ec;
  if (explicit_path) {
    if (!fs::is_regular_file(*explicit_path, ec)) {
      return fail("--config " + *explicit_path + ": no such file");
    }
    return parse_config_file(*explicit_path);
  }
  if (!fs::is_regular_file(kDefaultConfigName, ec)) return ConfigFile{};
  return parse_config_file(kDefaultConfigName);
}

}  // namespace strata::app
