#include "strata/findings/ignore_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strata/findings/fingerprint.hpp"

namespace strata {
namespace {

constexpr uintmax_t kMaxIgnoreFileBytes = 4u << 20;
constexpr size_t kMaxPatternBytes = 1024;

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

Result<std::chrono::year_month_day> parse_date(std::string_view s) {
  auto number = [&](size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && ptr == s.data() + pos + len;
  };
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !number(0, 4, y) || !number(5, 2, m) ||
      !number(8, 2, d)) {
    return fail("expires: '" + std::string(s.substr(0, 40)) + "' is not a date YYYY-MM-DD");
  }
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                   std::chrono::day(d)};
  if (!date.ok()) return fail("expires: " + std::string(s) + " is not a valid date");
  return date;
}

// The checks every entry passes whatever its form.
Status check_entry(const IgnoreEntry& e) {
  if (e.fingerprint.empty() && e.rule.empty() && e.path.empty()) {
    return fail("an entry needs a fingerprint, a rule or a path");
  }
  if (!e.fingerprint.empty() && !is_fingerprint(e.fingerprint)) {
    return fail("fingerprint '" + e.fingerprint.substr(0, 64) +
                "' is not 32 lowercase hex digits (a finding's \"fingerprint\")");
  }
  if (e.rule.size() > kMaxPatternBytes || e.path.size() > kMaxPatternBytes) {
    return fail("pattern longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  if (e.reason.empty()) return fail("no reason: say why this finding is accepted");
  return {};
}

std::string at(const std::string& path, int line) { return path + ":" + std::to_string(line); }

std::string too_many_entries(const std::string& path, int line) {
  return at(path, line) + ": more than " + std::to_string(IgnoreFile::kMaxEntries) +
         " entries (group findings with rule= or path= globs)";
}

// One `key: value` of an entry, from either form. The line form gives the reason after '#',
// so only YAML has a `reason` key.
Status set_field(IgnoreEntry& e, std::string_view key, std::string_view value, bool reason_key) {
  if (key == "fingerprint") {
    e.fingerprint = std::string(value);
  } else if (key == "rule") {
    e.rule = std::string(value);
  } else if (key == "path") {
    e.path = std::string(value);
  } else if (reason_key && key == "reason") {
    e.reason = std::string(trim(value));
  } else if (key == "expires") {
    auto date = parse_date(value);
    if (!date) return fail(date.error());
    e.expires = *date;
  } else {
    return fail("unknown key '" + std::string(key.substr(0, 40)) +
                "' (expected fingerprint, rule, path" + (reason_key ? ", reason" : "") +
                ", expires)");
  }
  return {};
}

// Line form: `selector... [# reason]`.
Result<IgnoreEntry> parse_line(std::string_view line, int number) {
  IgnoreEntry e;
  e.line = number;
  // The reason follows the first '#' that starts a word.
  size_t hash = std::string_view::npos;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      hash = i;
      break;
    }
  }
  if (hash != std::string_view::npos) {
    e.reason = std::string(trim(line.substr(hash + 1)));
    line = line.substr(0, hash);
  }
  std::string_view rest = line;
  while (!(rest = trim(rest)).empty()) {
    size_t end = rest.find_first_of(" \t");
    std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    size_t eq = word.find_first_of("=:");
    if (eq == std::string_view::npos) {
      if (!is_fingerprint(word)) {
        return fail("'" + std::string(word.substr(0, 64)) +
                    "': expected a fingerprint (32 hex digits), rule=GLOB, path=GLOB or "
                    "expires=YYYY-MM-DD");
      }
      e.fingerprint = std::string(word);
      continue;
    }
    std::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
    if (value.empty()) return fail(std::string(key) + ": no value");
    if (auto set = set_field(e, key, value, false); !set) return fail(set.error());
  }
  if (auto st = check_entry(e); !st) return fail(st.error());
  return e;
}

Result<IgnoreFile> parse_lines(std::string_view text, const std::string& path) {
  IgnoreFile file;
  file.path = path;
  int number = 0;
  while (!text.empty()) {
    ++number;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::string_view t = trim(line);
    if (t.empty() || t.starts_with('#')) continue;
    if (file.entries.size() == IgnoreFile::kMaxEntries) return fail(too_many_entries(path, number));
    auto entry = parse_line(t, number);
    if (!entry) return fail(entry.error().with_context(at(path, number)));
    file.entries.push_back(std::move(*entry));
  }
  return file;
}

Result<IgnoreEntry> parse_yaml_entry(const YAML::Node& node) {
  IgnoreEntry e;
  e.line = node.Mark().line + 1;
  if (!node.IsMap()) {
    return fail("expected a map (fingerprint, rule, path, reason, expires)");
  }
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
      return fail("expected key: value pairs of strings");
    }
    const std::string& key = kv.first.Scalar();
    std::string value = kv.second.IsNull() ? std::string() : kv.second.Scalar();
    if (auto set = set_field(e, key, value, true); !set) return fail(set.error());
  }
  if (auto st = check_entry(e); !st) return fail(st.error());
  return e;
}

Result<IgnoreFile> parse_yaml(std::string_view text, const std::string& path) {
  IgnoreFile file;
  file.path = path;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(at(path, e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  try {
    YAML::Node list = root;
    if (root.IsMap()) {
      if (root.size() != 1 || !root["ignore"]) {
        return fail(at(path, root.Mark().line + 1) + ": expected a list, or 'ignore:' and a list");
      }
      list = root["ignore"];
    }
    if (list.IsNull()) return file;
    if (!list.IsSequence()) {
      return fail(at(path, list.Mark().line + 1) + ": expected a list of entries");
    }
    if (list.size() > IgnoreFile::kMaxEntries) {
      return fail(too_many_entries(path, list[IgnoreFile::kMaxEntries].Mark().line + 1));
    }
    for (const YAML::Node& item : list) {
      auto entry = parse_yaml_entry(item);
      if (!entry) return fail(entry.error().with_context(at(path, item.Mark().line + 1)));
      file.entries.push_back(std::move(*entry));
    }
  } catch (const YAML::Exception& e) {
    return fail(at(path, e.mark.line + 1) + ": " + e.msg);
  }
  return file;
}

bool looks_like_yaml(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view t = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (t.empty() || t.starts_with('#')) continue;
    return t == "-" || t.starts_with("- ") || t.starts_with("ignore:") || t == "---";
  }
  return false;
}

// An entry with its globs compiled once.
struct CompiledEntry {
  const IgnoreEntry& entry;
  std::optional<Glob> rule;
  std::optional<Glob> path;

  explicit CompiledEntry(const IgnoreEntry& e) : entry(e) {
    if (!e.rule.empty()) rule = Glob::rule(e.rule);
    if (!e.path.empty()) path = Glob::path(e.path);
  }

  bool matches(const Finding& f) const {
    if (!entry.fingerprint.empty() && entry.fingerprint != f.fingerprint) return false;
    if (rule && !rule->matches(f.rule_id)) return false;
    if (path && !path_matches_everywhere(*path, f)) return false;
    return true;
  }

  static bool path_matches_everywhere(const Glob& glob, const Finding& f) {
    if (f.locations.empty()) return false;
    return std::all_of(f.locations.begin(), f.locations.end(), [&](const Location& l) {
      return l.kind == LocationKind::kLayerFile && glob.matches(l.path);
    });
  }
};

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Result<IgnoreFile> IgnoreFile::parse(std::string_view text, const std::string& path) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  return looks_like_yaml(text) ? parse_yaml(text, path) : parse_lines(text, path);
}

Result<IgnoreFile> IgnoreFile::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return fail("ignore file " + path + ": no such file");
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return fail("ignore file " + path + ": " + ec.message());
  if (size > kMaxIgnoreFileBytes) {
    return fail("ignore file " + path + ": larger than " +
                std::to_string(kMaxIgnoreFileBytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("ignore file " + path + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

IgnoreOutcome apply_ignore_file(const IgnoreFile& file, std::vector<Finding>& findings,
                                std::chrono::year_month_day today) {
  IgnoreOutcome out;
  for (const IgnoreEntry& e : file.entries) {
    CompiledEntry compiled(e);
    bool expired = e.expires && today > *e.expires;
    size_t matched = 0;
    for (Finding& f : findings) {
      if (!compiled.matches(f)) continue;
      ++matched;
      if (expired || f.suppression) continue;
      std::string reason = e.reason + " (" + at(file.path, e.line);
      if (e.expires) reason += ", until " + format_date(*e.expires);
      f.suppression = Suppression{"ignore-file", reason + ")"};
      ++out.suppressed;
    }
    if (expired) {
      out.warnings.push_back(
          at(file.path, e.line) + ": ignore entry expired on " + format_date(*e.expires) +
          " and no longer suppresses anything (it matches " + plural(matched, "finding") + ")");
    } else if (matched == 0) {
      out.warnings.push_back(at(file.path, e.line) +
                             ": ignore entry matched no finding (stale: remove it?)");
    }
  }
  return out;
}

std::chrono::year_month_day today_utc() {
  return std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

std::string format_date(std::chrono::year_month_day date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

}  // namespace strata
