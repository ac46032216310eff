#include "scan_problems.hpp"

namespace strata {

namespace {

std::string pcre2_error_text(int code) {
  PCRE2_UCHAR text[120];
  if (pcre2_get_error_message(code, text, sizeof text) < 0) return "error " + std::to_string(code);
  return reinterpret_cast<const char*>(text);
}

}  // namespace

void ScanProblems::unscanned(uint64_t offset, std::string_view why) {
  if (unscanned_) return;
  unscanned_ = true;
  std::string from = offset == 0 ? "" : " from byte " + std::to_string(offset);
  lines_.push_back("not scanned" + from + ": " + std::string(why));
}

void ScanProblems::end_not_checked(uint64_t end, std::string_view why) {
  lines_.push_back("matches ending at byte " + std::to_string(end) +
                   " not checked: " + std::string(why));
}

void ScanProblems::unconfirmed(uint32_t rule, int code, uint64_t end) {
  for (Unconfirmed& u : unconfirmed_) {
    if (u.rule == rule && u.code == code) {
      ++u.count;
      return;
    }
  }
  unconfirmed_.push_back(Unconfirmed{rule, code, 1, end});
}

std::vector<std::string> ScanProblems::take(const RuleSet& rules) {
  for (const Unconfirmed& u : unconfirmed_) {
    lines_.push_back("rule " + rules.rules[u.rule].id + ": " + std::to_string(u.count) +
                     " candidate(s) not confirmed (PCRE2: " + pcre2_error_text(u.code) +
                     "), the first ending at byte " + std::to_string(u.first_end));
  }
  std::vector<std::string> lines = std::move(lines_);
  clear();
  return lines;
}

void ScanProblems::clear() {
  lines_.clear();
  unconfirmed_.clear();
  unscanned_ = false;
}

std::string hyperscan_error_text(hs_error_t rc) {
  switch (rc) {
    case HS_NOMEM:
      return "out of memory";
    case HS_SCAN_TERMINATED:
      return "scan terminated";
    case HS_SCRATCH_IN_USE:
      return "scratch space in use";
    case HS_INVALID:
      return "invalid parameter";
    default:
      return "error " + std::to_string(rc);
  }
}

}  // namespace strata
