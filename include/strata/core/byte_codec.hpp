// A small binary codec for what strata keeps between runs (the rule cache, the findings store's
// per-layer scan results): little-endian fixed-width integers, length-prefixed strings, doubles
// by their bits. ByteReader never reads past its input: any short or invalid read clears `ok`,
// after which every read returns zeros, and the caller discards the whole value.
//
//   std::string out; put_u64(out, 7); put_str(out, "a");
//   ByteReader in{out}; uint64_t n = in.u64(); std::string s = in.str(); if (!in.ok) …
//
// Thread safety: plain functions and a plain value.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

inline void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
inline void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void put_f64(std::string& out, double v) { put_u64(out, std::bit_cast<uint64_t>(v)); }
inline void put_str(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}
inline void put_list(std::string& out, const std::vector<std::string>& list) {
  put_u64(out, list.size());
  for (const auto& s : list) put_str(out, s);
}

struct ByteReader {
  std::string_view in;
  bool ok = true;

  bool take(size_t n, std::string_view& out) {
    if (!ok || in.size() < n) return ok = false;
    out = in.substr(0, n);
    in.remove_prefix(n);
    return true;
  }
  uint64_t u64() {
    std::string_view b;
    if (!take(8, b)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(b[i])} << (8 * i);
    return v;
  }
  uint8_t u8() {
    std::string_view b;
    return take(1, b) ? static_cast<uint8_t>(b[0]) : 0;
  }
  double f64() { return std::bit_cast<double>(u64()); }
  bool boolean() {
    uint8_t v = u8();
    if (v > 1) ok = false;
    return v == 1;
  }
  // An enumerator from 0 to `last`.
  template <typename Enum>
  Enum enumerator(Enum last) {
    uint8_t v = u8();
    if (v > static_cast<uint8_t>(last)) ok = false;
    return ok ? static_cast<Enum>(v) : Enum{};
  }
  std::string str() {
    uint64_t size = u64();
    std::string_view b;
    if (!take(size, b)) return {};
    return std::string(b);
  }
  // A count of items that each take at least `min_bytes` bytes: bounded by what is left, so a
  // corrupt count cannot make reserve() allocate gigabytes.
  uint64_t count(uint64_t min_bytes = 1) {
    uint64_t n = u64();
    if (n > in.size() / min_bytes) ok = false;
    return ok ? n : 0;
  }
  std::vector<std::string> list() {
    std::vector<std::string> out(count(8));
    for (auto& s : out) s = str();
    return out;
  }
};

}  // namespace strata
