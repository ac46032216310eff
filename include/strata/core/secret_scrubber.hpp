// SecretScrubber: replaces every occurrence of a scan's secret values inside free text
// (history commands, config strings, remediation steps), and optionally clips the result. The
// one implementation behind the reporters' Redactor and the remediation fields.
//
//   SecretScrubber s({{token, "ghp_…(40 chars)"}});
//   std::string safe = s.scrub(command, 4096);   // secrets replaced, then clipped with "…"
//
// Secrets are indexed by their first bytes, so scrubbing is linear in the text however many
// secrets a scan found. A value with a prefix (`ghp_`, `sk_live_`) also has its tail — the
// part after the last '_' or '-', when 16+ bytes — replaced by "…": a Dockerfile that writes
// the prefix apart from the body (`printf 'ghp_' 'AbC…'`) quotes only the body. Clipping
// happens after replacing, on the output: a secret crossing the cut is never shown in part.
//
// Header-only, because both `report` and `remediation` use it and neither links the other.
// Thread safety: immutable after construction; scrub is const.
#pragma once

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata {

class SecretScrubber {
 public:
  struct Secret {
    std::string value;
    std::string replacement;
  };

  static constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();
  static constexpr size_t kMinTail = 16;
  static constexpr std::string_view kElided = "…";

  SecretScrubber() = default;
  explicit SecretScrubber(std::vector<Secret> secrets);

  // `text` with every secret replaced; when longer than `max_bytes`, cut there (never inside a
  // UTF-8 character) and "…" appended. Reads no more of `text` than the output needs.
  std::string scrub(std::string_view text, size_t max_bytes = kNoLimit) const;

  // The end of a prefix of `text` at least `n` bytes long that no secret crosses: callers may
  // cut their input there before working on it and still get every secret in it replaced.
  size_t safe_cut(std::string_view text, size_t n) const;

  size_t longest() const { return longest_; }
  bool empty() const { return secrets_.empty(); }

 private:
  static constexpr size_t kKey = 4;

  // The secret starting at `text[i]` (longest first), or nullptr.
  const Secret* match_at(std::string_view text, size_t i) const;
  static uint32_t key_of(std::string_view s) {
    uint32_t k = 0;
    for (size_t i = 0; i < kKey; ++i) k = (k << 8) | static_cast<unsigned char>(s[i]);
    return k;
  }
  static uint16_t pair_of(std::string_view s) {
    return static_cast<uint16_t>((static_cast<unsigned char>(s[0]) << 8) |
                                 static_cast<unsigned char>(s[1]));
  }

  std::vector<Secret> secrets_;                                 // longest first, unique values
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_key_;  // first 4 bytes -> secrets_
  std::vector<uint32_t> short_;                                 // values under 4 bytes
  std::bitset<65536> first_pairs_;                              // first 2 bytes of long values
  size_t longest_ = 0;
};

inline SecretScrubber::SecretScrubber(std::vector<Secret> secrets) {
  for (size_t i = 0, n = secrets.size(); i < n; ++i) {
    const std::string& v = secrets[i].value;
    size_t sep = v.find_last_of("_-");
    if (sep != std::string::npos && sep > 0 && v.size() - sep - 1 >= kMinTail) {
      secrets.push_back({v.substr(sep + 1), std::string(kElided)});
    }
  }
  std::erase_if(secrets, [](const Secret& s) { return s.value.empty(); });
  // Longest first, so a value containing another is replaced whole; the first of equal values
  // keeps its replacement.
  std::stable_sort(secrets.begin(), secrets.end(), [](const Secret& a, const Secret& b) {
    return a.value.size() != b.value.size() ? a.value.size() > b.value.size() : a.value < b.value;
  });
  secrets.erase(std::unique(secrets.begin(), secrets.end(),
                            [](const Secret& a, const Secret& b) { return a.value == b.value; }),
                secrets.end());
  secrets_ = std::move(secrets);
  for (uint32_t i = 0; i < secrets_.size(); ++i) {
    const std::string& v = secrets_[i].value;
    longest_ = std::max(longest_, v.size());
    if (v.size() < kKey) {
      short_.push_back(i);
    } else {
      by_key_[key_of(v)].push_back(i);
      first_pairs_.set(pair_of(v));
    }
  }
}

inline const SecretScrubber::Secret* SecretScrubber::match_at(std::string_view text,
                                                              size_t i) const {
  const Secret* hit = nullptr;
  if (i + kKey <= text.size() && first_pairs_.test(pair_of(text.substr(i)))) {
    auto it = by_key_.find(key_of(text.substr(i)));
    if (it != by_key_.end()) {
      for (uint32_t k : it->second) {
        if (text.substr(i).starts_with(secrets_[k].value)) {
          hit = &secrets_[k];
          break;
        }
      }
    }
  }
  if (hit) return hit;
  for (uint32_t k : short_) {
    if (text.substr(i).starts_with(secrets_[k].value)) return &secrets_[k];
  }
  return nullptr;
}

inline std::string SecretScrubber::scrub(std::string_view text, size_t max_bytes) const {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes == kNoLimit ? text.size() : max_bytes + 8));
  size_t i = 0;
  while (i < text.size() && out.size() <= max_bytes) {
    const Secret* hit = secrets_.empty() ? nullptr : match_at(text, i);
    if (hit) {
      out += hit->replacement;
      i += hit->value.size();
    } else {
      out += text[i++];
    }
  }
  if (out.size() > max_bytes || (i < text.size() && out.size() >= max_bytes)) {
    size_t cut = std::min(max_bytes, out.size());
    while (cut > 0 && cut < out.size() && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    out.resize(cut);
    out += kElided;
  }
  return out;
}

inline size_t SecretScrubber::safe_cut(std::string_view text, size_t n) const {
  size_t i = 0;
  while (i < text.size() && i < n) {
    const Secret* hit = secrets_.empty() ? nullptr : match_at(text, i);
    i += hit ? hit->value.size() : 1;
  }
  return std::min(i, text.size());
}

}  // namespace strata
