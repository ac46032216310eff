#include "file_data_feed.hpp"

#include <isa-l/crc64.h>

#include <algorithm>
#include <array>

namespace strata {

uint64_t content_hash(uint64_t crc64, uint64_t size) {
  // splitmix64 finalizer over crc and length, so equal CRCs of different lengths differ.
  uint64_t x = crc64 ^ ((size + 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x == 0 ? 1 : x;  // 0 means "not a file"
}

void FileDataFeed::feed(std::string_view chunk) {
  if (chunk.empty()) return;
  crc_ = crc64_ecma_refl(crc_, reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size());
  size_ += chunk.size();
  if (!passing_) return;
  uint64_t room = limits_.max_file_bytes - std::min(passed_, limits_.max_file_bytes);
  std::string_view part =
      chunk.substr(0, static_cast<size_t>(std::min<uint64_t>(room, chunk.size())));
  if (!part.empty()) {
    passed_ += part.size();
    stats_.file_bytes += part.size();
    if (visitor_.on_data(part) == Control::kStop) passing_ = false;
  }
  if (part.size() < chunk.size() && passing_) {
    passing_ = false;
    stats_.skipped.push_back(path_ + ": file larger than max_file_bytes (" +
                             std::to_string(limits_.max_file_bytes) +
                             " bytes); the rest was not scanned");
  }
}

void FileDataFeed::feed_zeros(uint64_t count) {
  static const std::array<char, 64 << 10> kZeros{};
  while (count > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(count, kZeros.size()));
    feed(std::string_view(kZeros.data(), n));
    count -= n;
  }
}

uint64_t FileDataFeed::content_hash() const { return strata::content_hash(crc_, size_); }

}  // namespace strata
