#include "sweep_shard.hpp"

#include <charconv>

namespace strata::app {
namespace {

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

bool parse_number(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

bool Shard::holds(std::string_view reference) const { return fnv1a(reference) % count == index; }

Result<Shard> parse_shard(const std::string& text) {
  size_t slash = text.find('/');
  Shard shard;
  std::string_view view(text);
  if (slash == std::string::npos || !parse_number(view.substr(0, slash), shard.index) ||
      !parse_number(view.substr(slash + 1), shard.count)) {
    return fail("--shard " + text + ": expected K/N (two numbers, for example 0/4)");
  }
  if (shard.count == 0 || shard.index >= shard.count) {
    return fail("--shard " + text + ": K must be at least 0 and below N (shards 0/N to N-1/N)");
  }
  return shard;
}

}  // namespace strata::app
