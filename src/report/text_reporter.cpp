#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <span>

#include "location_wording.hpp"
#include "redactor.hpp"
#include "strata/report/reporters.hpp"

namespace strata {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string human_bytes(uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  } else if (bytes >= (1ull << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  }
  return buf;
}

// Long commands are cut so a finding stays readable; JSON keeps them whole.
std::string clip(const std::string& text, size_t max = 160) {
  return text.size() <= max ? text : text.substr(0, max) + "…";
}

// Image content is untrusted: a path, label or history command holding terminal escape
// sequences must not drive the reader's terminal. Control bytes are shown as \xNN.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Free text from the image, redacted and made printable.
std::string safe_text(const Redactor& redact, const std::string& text) {
  return printable(redact.text(text));
}

// ANSI styles, only when the report goes to a terminal (ReportOptions::color).
class Style {
 public:
  explicit Style(bool on) : on_(on) {}
  std::string operator()(std::string_view code, const std::string& text) const {
    if (!on_ || text.empty()) return text;
    return "\x1b[" + std::string(code) + "m" + text + "\x1b[0m";
  }
  std::string bold(const std::string& t) const { return (*this)("1", t); }
  std::string dim(const std::string& t) const { return (*this)("2", t); }
  std::string severity(Severity s, const std::string& t) const {
    switch (s) {
      case Severity::kCritical:
        return (*this)("1;31", t);
      case Severity::kHigh:
        return (*this)("31", t);
      case Severity::kMedium:
        return (*this)("33", t);
      case Severity::kLow:
        return (*this)("36", t);
      case Severity::kInfo:
        return dim(t);
    }
    return t;
  }
  std::string fate(FateKind k, const std::string& t) const {
    return k == FateKind::kPresent ? (*this)("31", t) : (*this)("33", t);
  }

 private:
  bool on_;
};

// "from the base image" or "your build step N", when the image records its base.
std::string origin_text(const Location& l) {
  switch (l.origin) {
    case LayerOrigin::kBaseImage:
      return "  · from the base image";
    case LayerOrigin::kOwnBuild:
      return l.history_step ? "  · your build step " + std::to_string(*l.history_step)
                            : "  · your build";
    case LayerOrigin::kUnknown:
      break;
  }
  return "";
}

void write_location(const Location& l, bool several_images, const Redactor& redact,
                    const Style& style, std::ostream& out) {
  std::string where = origin_text(l);
  if (several_images) where += "  [" + printable(l.image) + " " + printable(l.platform) + "]";
  if (l.kind == LocationKind::kLayerFile) {
    out << "  layer " << l.layer_index << " " << l.layer_digest.substr(0, 19) << "  "
        << printable(l.path);
    if (l.line > 0) out << ":" << l.line << ":" << l.column;  // secret files have no position
    out << "   " << style.fate(l.fate.kind, fate_phrase(l)) << where << "\n";
    if (!l.created_by.empty()) {
      out << style.dim("          created by " + history_phrase(l) + ": " +
                       clip(safe_text(redact, l.created_by)))
          << "\n";
    }
    return;
  }
  out << "  " << (l.kind == LocationKind::kConfig ? "config" : "attest") << "  ";
  if (l.history_step) {
    out << history_phrase(l);
    if (!l.build_arg.empty()) out << ", build arg " << l.build_arg;
  } else {
    out << printable(l.config_location);
  }
  out << where << "\n";
  if (!l.created_by.empty()) {
    out << style.dim("          " + clip(safe_text(redact, l.created_by))) << "\n";
  }
  if (l.step_mounts_secret) {
    out << "          (this step mounts a build secret; the build arg above is still recorded)\n";
  }
}

// Every RUN after an ARG lists the arg again: consecutive steps carrying the same build arg
// are shown as one location.
size_t build_arg_run(const std::vector<Location>& locations, size_t start) {
  const Location& first = locations[start];
  if (first.kind != LocationKind::kConfig || first.build_arg.empty()) return 1;
  size_t end = start + 1;
  while (end < locations.size() && locations[end].kind == LocationKind::kConfig &&
         locations[end].build_arg == first.build_arg && locations[end].image == first.image &&
         locations[end].platform == first.platform) {
    ++end;
  }
  return end - start;
}

void write_build_arg_run(std::span<const Location> run, bool several_images, const Redactor& redact,
                         const Style& style, std::ostream& out) {
  const Location& first = run.front();
  out << "  config  history steps ";
  for (size_t i = 0; i < run.size(); ++i) {
    out << (i ? ", " : "") << run[i].history_step.value_or(-1);
  }
  out << ", build arg " << first.build_arg;
  if (several_images) {
    out << "  [" << printable(first.image) << " " << printable(first.platform) << "]";
  }
  out << "\n" << style.dim("          " + clip(safe_text(redact, first.created_by))) << "\n";
  for (const Location& l : run) {
    if (l.step_mounts_secret) {
      out << "          (step " << l.history_step.value_or(-1)
          << " mounts a build secret; the build arg is still recorded)\n";
    }
  }
}

// Prose wrapped at 100 columns, later lines indented to `indent`; words are never split.
std::string wrap(const std::string& text, size_t indent, size_t width = 100) {
  std::string out;
  size_t column = indent;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string_view word(text.data() + start, end - start);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    start = end + 1;
  }
  return out;
}

const char* remediation_label(const std::string& kind) {
  if (kind == "rotate") return "rotate";
  if (kind == "dockerignore") return "ignore";
  if (kind == "deleted-file") return "why";
  return "fix";
}

// The fix, as steps: prose, then the instruction as recorded (-) and rewritten (+), the build
// command ($) and file lines. Redacted again in case a recorded instruction quoted a secret.
void write_remediation(const std::vector<RemediationStep>& steps, const Redactor& redact,
                       const Style& style, std::ostream& out) {
  for (const RemediationStep& step : steps) {
    std::string label = remediation_label(step.kind);
    out << "  " << style.bold(label) << std::string(8 - std::min<size_t>(label.size(), 7), ' ')
        << wrap(safe_text(redact, step.text), 10) << "\n";
    auto lines = [&](const std::string& prefix, const std::string& text, std::string_view code) {
      size_t start = 0;
      while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out << "          "
            << style(code, prefix + safe_text(redact, text.substr(start, end - start))) << "\n";
        start = end + 1;
      }
    };
    lines("- ", step.before, "31");
    lines("+ ", step.after, "32");
    lines("$ ", step.command, "1");
    for (const std::string& l : step.lines) lines("  ", l, "32");
  }
}

// Counts of the findings shown, for the summary line.
struct Tally {
  std::map<Severity, int> by_severity;  // findings that count (not suppressed)
  size_t shown = 0, suppressed = 0;
  int present = 0, extractable = 0;
};

// The target, the platform or image count, what was scanned, and each image's base.
void write_header(const ScanReport& report, const ReportOptions& options, size_t real_images,
                  const std::string& scanned, const Style& style, std::ostream& out) {
  out << style.bold(printable(options.target)) << "  ";
  if (real_images == 1) {
    const ImageSummary& image = report.images.front();
    // A registry image is named by the manifest digest scanned, also when given by tag.
    if (image.reference.find('@') != std::string::npos && image.reference != options.target) {
      out << printable(image.reference) << "  ";
    }
    if (!image.platform.empty()) out << image.platform << "  ";
  } else {
    out << real_images << " images, ";
  }
  out << scanned << "\n";
  for (const ImageSummary& s : report.images) {
    if (s.base_name.empty() && s.base_digest.empty()) continue;
    std::string layers = !s.first_own_layer        ? ", its layers unknown"
                         : *s.first_own_layer == 0 ? ", no layers (every layer is your build's)"
                         : *s.first_own_layer == 1
                             ? ", layer 0"
                             : ", layers 0–" + std::to_string(*s.first_own_layer - 1);
    out << style.dim("base image of " + printable(s.reference) + ": " +
                     printable(s.base_name.empty() ? s.base_digest : s.base_name) + layers)
        << "\n";
  }
  out << "\n";
}

// One finding: its headline, every location, and its fix; counted into `tally`.
void write_finding(const Finding& f, bool many_images, const Redactor& redact,
                   const Redactor& fix_redact, const Style& style, Tally& tally,
                   std::ostream& out) {
  out << style.severity(f.severity, upper(severity_name(f.severity))) << "  "
      << style.bold(f.rule_name) << "  "
      << style.bold(printable(f.secret_is_path ? f.secret.reveal() : redact.secret(f.secret)));
  if (f.checksum != ValidationState::kNotApplicable) {
    out << "  checksum " << validation_state_name(f.checksum);
  }
  out << style.dim("  (" + std::string(confidence_name(f.confidence)) + " confidence, " +
                   f.rule_id + ", " + f.fingerprint.substr(0, 12) + ")")
      << "\n";
  if (f.suppression) {
    out << "  suppressed (" << f.suppression->kind << "): " << f.suppression->reason
        << " — does not count toward the exit code\n";
  }
  bool any_present = false, any_layer = false;
  for (size_t i = 0; i < f.locations.size(); ++i) {
    const Location& l = f.locations[i];
    size_t run = build_arg_run(f.locations, i);
    if (run > 1) {
      write_build_arg_run(std::span(f.locations).subspan(i, run), many_images, redact, style, out);
      i += run - 1;
      continue;
    }
    write_location(l, many_images, redact, style, out);
    if (l.kind == LocationKind::kLayerFile) {
      any_layer = true;
      any_present = any_present || l.fate.kind == FateKind::kPresent;
    }
  }
  write_remediation(f.remediation, fix_redact, style, out);
  if (!f.suppression) {
    if (any_present) {
      ++tally.present;
    } else if (any_layer) {
      ++tally.extractable;
    }
  }
  out << "\n";
}

// "3 findings (1 critical, 2 high): 1 in the final filesystem, …"
std::string summary_line(const Tally& tally) {
  std::string summary = std::to_string(tally.shown) + " finding" + (tally.shown == 1 ? "" : "s");
  if (!tally.by_severity.empty()) {
    summary += " (";
    bool first = true;
    for (auto it = tally.by_severity.rbegin(); it != tally.by_severity.rend(); ++it) {
      summary += (first ? "" : ", ") + std::to_string(it->second) + " " + severity_name(it->first);
      first = false;
    }
    summary += ")";
  }
  size_t config_only = tally.shown - tally.present - tally.extractable;
  summary += ": " + std::to_string(tally.present) + " in the final filesystem, " +
             std::to_string(tally.extractable) + " deleted or overwritten but still extractable";
  if (config_only > 0) summary += ", " + std::to_string(config_only) + " in the config only";
  return summary;
}

// What the findings list does not show: suppressed findings, skipped items, warnings, errors.
void write_footer(const ScanReport& report, const ReportOptions& options, size_t suppressed,
                  const Redactor& redact, const Style& style, std::ostream& out) {
  if (suppressed > 0) {
    std::map<std::string, int> by_kind;  // "baseline", "ignore-file", "known-public", …
    for (const Finding& f : report.findings) {
      if (f.suppression) by_kind[f.suppression->kind]++;
    }
    out << suppressed << " suppressed (";
    bool first = true;
    for (const auto& [kind, n] : by_kind) {
      out << (first ? "" : ", ") << n << " " << kind;
      first = false;
    }
    out << ")" << (options.show_suppressed ? "" : "; --show-suppressed shows them") << "\n";
  }
  if (!report.skipped.empty()) {
    // Limits, and files or strings a matcher could not finish (those also make the scan
    // incomplete, listed under the errors).
    out << report.skipped.size() << " item(s) skipped";
    if (!options.list_skipped) {
      out << " (--list-skipped lists them)\n";
    } else {
      out << ":\n";
      for (const std::string& s : report.skipped) out << "  " << printable(s) << "\n";
    }
  }
  for (const std::string& w : report.warnings) {
    out << style("33", "warning: ") << safe_text(redact, w) << "\n";
  }
  if (!report.errors.empty()) {
    out << style("1;31", "INCOMPLETE SCAN") << " — " << report.errors.size() << " error(s):\n";
    for (const std::string& e : report.errors) out << "  " << safe_text(redact, e) << "\n";
  }
}

}  // namespace

void write_text_report(const ScanReport& report, std::ostream& out, const ReportOptions& options) {
  Redactor redact(report.findings, options.reveal);
  Redactor fix_redact = Redactor::for_fixes(report.findings, options.reveal);
  Style style(options.color);
  size_t real_images = std::count_if(report.images.begin(), report.images.end(),
                                     [](const ImageSummary& s) { return !s.is_attestation; });
  const auto& st = report.stats;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f s", st.seconds);
  std::string scanned = std::to_string(st.layers) + " layers, " + std::to_string(st.files) +
                        " files, " + human_bytes(st.bytes_scanned) + " scanned in " + seconds;
  write_header(report, options, real_images, scanned, style, out);
  Tally tally;
  for (const Finding& f : report.findings) {
    if (f.suppression) {
      ++tally.suppressed;
      if (!options.show_suppressed) continue;
    } else {
      ++tally.shown;
      tally.by_severity[f.severity]++;
    }
    write_finding(f, real_images > 1, redact, fix_redact, style, tally, out);
  }
  std::string summary = summary_line(tally);
  out << (tally.shown > 0 ? style.bold(summary) : summary) << "\n";
  out << style.dim(scanned) << "\n";
  write_footer(report, options, tally.suppressed, redact, style, out);
}

}  // namespace strata
