#include "remediation_support.hpp"

#include <algorithm>
#include <cctype>

namespace strata {

const ImageView* RemediationScope::view_for(const Location& l) const {
  for (const ImageView& v : views) {
    if (v.image->reference == l.image && v.image->platform.str() == l.platform) return &v;
  }
  return nullptr;
}

const DockerfileInstruction* RemediationScope::instruction_for(const Location& l) const {
  if (!l.history_step || l.history_last) return nullptr;
  const ImageView* v = view_for(l);
  return v && v->mapping.mapped ? v->mapping.at(*l.history_step) : nullptr;
}

const DockerfileInstruction* RemediationScope::arg_instruction(std::string_view name) const {
  for (const DockerfileInstruction* in : chain) {
    if (in->keyword != "ARG") continue;
    for (const std::string& n : assigned_names(in->args, false)) {
      if (n == name) return in;
    }
  }
  return nullptr;
}

const DockerfileInstruction* RemediationScope::last_setting(std::string_view keyword,
                                                            std::string_view name) const {
  const DockerfileInstruction* found = nullptr;
  for (const DockerfileInstruction* in : chain) {
    if (in->keyword != keyword) continue;
    for (const std::string& n : assigned_names(in->args, keyword == "ENV")) {
      if (n == name) found = in;
    }
  }
  return found;
}

const HistoryEntry* RemediationScope::history_entry(const Location& l, int step) const {
  const ImageView* v = view_for(l);
  if (!v || step < 0 || step >= static_cast<int>(v->image->history.size())) return nullptr;
  return &v->image->history[step];
}

std::string resolve_path(const std::string& dir, std::string_view path) {
  std::string out;
  if (path.starts_with('/')) {
    out = std::string(path);
  } else {
    while (path.starts_with("./")) path.remove_prefix(2);
    if (path == ".") path = "";
    out = dir.empty() ? "/" : dir;
    if (!path.empty()) {
      if (!out.ends_with('/')) out += '/';
      out += path;
    }
  }
  while (out.size() > 1 && out.ends_with('/')) out.pop_back();
  return out;
}

std::vector<WorkdirChange> workdirs_of(const std::vector<HistoryStep>& history) {
  std::vector<WorkdirChange> changes = {{0, "/"}};
  for (size_t i = 0; i < history.size(); ++i) {
    const HistoryStep& h = history[i];
    if (h.keyword != "WORKDIR" || h.body.empty()) continue;
    std::string dir =
        resolve_path(changes.back().dir, std::string_view(h.body).substr(0, kMaxPathBytes));
    if (dir.size() > kMaxPathBytes) dir.resize(kMaxPathBytes);
    // The step after the WORKDIR is the first to run there.
    if (dir != changes.back().dir) changes.push_back({static_cast<int>(i) + 1, std::move(dir)});
  }
  return changes;
}

std::string workdir_at(const std::vector<WorkdirChange>& changes, int step) {
  auto it = std::upper_bound(changes.begin(), changes.end(), step,
                             [](int s, const WorkdirChange& c) { return s < c.step; });
  return it == changes.begin() ? "/" : std::prev(it)->dir;
}

const HistoryStep& RemediationScope::instruction_at(const Location& l,
                                                    HistoryStep& fallback) const {
  const ImageView* v = view_for(l);
  if (v && l.history_step && *l.history_step >= 0 &&
      *l.history_step < static_cast<int>(v->instructions.size()) &&
      v->image->history[*l.history_step].created_by.size() == l.created_by.size()) {
    return v->instructions[*l.history_step];
  }
  fallback = parse_history_step(l.created_by);
  return fallback;
}

std::string RemediationScope::workdir_of(const Location& l) const {
  const ImageView* v = view_for(l);
  if (!v || !l.history_step || *l.history_step < 0) return "/";
  return workdir_at(v->workdirs, *l.history_step);
}

std::string_view RemediationScope::window(std::string_view text) const {
  size_t want = kMaxFieldBytes + (scrubber ? scrubber->longest() : 0);
  if (text.size() <= want) return text;
  return text.substr(0, scrubber ? scrubber->safe_cut(text, want) : want);
}

std::string RemediationScope::shortened(std::string_view text, size_t n) const {
  if (text.size() <= n) return std::string(text);
  size_t cut = scrubber ? scrubber->safe_cut(text, n) : n;
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;  // UTF-8: back to the start of the character (secrets end on whole characters)
  }
  return cut >= text.size() ? std::string(text) : std::string(text.substr(0, cut)) + "…";
}

bool is_env_location(std::string_view where) {
  return where.starts_with("Env[") || where.find(".Env[") != std::string_view::npos;
}

std::string base_name(std::string_view path) {
  while (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string secret_id(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "secret" : out.substr(0, 64);
}

std::string recorded_instruction(std::string_view created_by) {
  HistoryStep step = parse_history_step(created_by);
  std::string text;
  if (step.nop) {
    // The builder's "<shell> #(nop) " says nothing to a reader.
    text = collapse_whitespace(step.keyword + " " + step.body);
  } else {
    if (created_by.ends_with(kBuildkitMark)) created_by.remove_suffix(kBuildkitMark.size());
    text = std::string(created_by);
    // From the last value back, so earlier offsets stay valid.
    for (auto it = step.build_args.rbegin(); it != step.build_args.rend(); ++it) {
      if (it->value_offset > text.size()) continue;
      size_t length = std::min(it->value.size(), text.size() - it->value_offset);
      text.replace(it->value_offset, length, "…");
    }
  }
  // "COPY file:<64 hex> in /app": the content hash says nothing to a reader; keep 12 digits.
  const std::string& digest = step.classic_copy.digest;
  if (size_t at = text.find(digest); digest.size() > 12 && at != std::string::npos) {
    text.replace(at + 12, digest.size() - 12, "…");
  }
  return text;
}

std::string line_note(const DockerfileInstruction* in) {
  return in ? " (Dockerfile line " + std::to_string(in->line) + ")" : "";
}

std::string line_suffix(const DockerfileInstruction* in) {
  return in ? ", Dockerfile line " + std::to_string(in->line) : "";
}

std::string step_phrase(const Location& l) {
  if (!l.history_step) return "a build step";
  std::string s = "history step " + std::to_string(*l.history_step);
  if (l.history_last) s += "-" + std::to_string(*l.history_last);
  return s;
}

bool looks_like_secret_file(std::string_view path) {
  std::string base = base_name(path);
  std::string lower;
  for (char c : base) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::string_view kNames[] = {".env",
                                                ".npmrc",
                                                ".pypirc",
                                                ".netrc",
                                                "_netrc",
                                                ".git-credentials",
                                                "id_rsa",
                                                "id_dsa",
                                                "id_ecdsa",
                                                "id_ed25519",
                                                "credentials",
                                                "kubeconfig",
                                                "terraform.tfstate",
                                                ".htpasswd",
                                                "secrets.json",
                                                "secrets.yml",
                                                "secrets.yaml"};
  for (std::string_view n : kNames) {
    if (lower == n) return true;
  }
  static constexpr std::string_view kSuffixes[] = {".pem", ".key",      ".p12",       ".pfx",
                                                   ".jks", ".keystore", ".kubeconfig"};
  for (std::string_view s : kSuffixes) {
    if (lower.ends_with(s)) return true;
  }
  return lower.starts_with(".env.") || path.ends_with(".docker/config.json");
}

}  // namespace strata
