#include "remediation_support.hpp"

#include <algorithm>
#include <cctype>

#include "strata/image/image_config.hpp"

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

std::vector<std::string> workdirs_of(const Image& image) {
  std::vector<std::string> dirs = {"/"};
  for (const HistoryEntry& entry : image.history) {
    HistoryInstruction h = classify_history(entry.created_by);
    std::string dir = dirs.back();
    if (h.keyword == "WORKDIR" && !h.body.empty()) dir = resolve_path(dir, h.body);
    dirs.push_back(std::move(dir));
  }
  return dirs;
}

std::string RemediationScope::workdir_of(const Location& l) const {
  const ImageView* v = view_for(l);
  if (!v || !l.history_step || *l.history_step < 0 || v->workdirs.empty()) return "/";
  return v->workdirs[std::min(static_cast<size_t>(*l.history_step), v->workdirs.size() - 1)];
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
  std::string text(created_by);
  ParsedStep step = parse_history_step(created_by);
  // From the last value back, so earlier offsets stay valid.
  for (auto it = step.build_args.rbegin(); it != step.build_args.rend(); ++it) {
    if (it->value_offset > text.size()) continue;
    size_t length = std::min(it->value.size(), text.size() - it->value_offset);
    text.replace(it->value_offset, length, "…");
  }
  constexpr std::string_view kNop = "/bin/sh -c #(nop) ";
  if (text.starts_with(kNop)) text = collapse_whitespace(text.substr(kNop.size()));
  // "COPY file:<64 hex> in /app": the content hash says nothing to a reader; keep 12 digits.
  for (std::string_view kind : {"file:", "dir:", "multi:"}) {
    size_t pos = text.find(kind);
    if (pos == std::string::npos || pos > 8) continue;
    size_t start = pos + kind.size(), end = start;
    while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end - start > 12) text.replace(start + 12, end - start - 12, "…");
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
