// --shard K/N: static partitioning of a sweep's references where no shared store exists. A
// stable hash of the reference text (FNV-1a, the same on every machine and version) picks its
// shard, so N processes given 0/N … N-1/N sweep every reference exactly once between them.
//
//   auto shard = parse_shard("1/4");               // Result<Shard>; K counts from 0
//   if (shard->holds("reg/team/app:1")) …
//
// Thread safety: plain values. Errors name the text and what is wrong with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/core/result.hpp"

namespace strata::app {

struct Shard {
  uint64_t index = 0;  // K, 0 <= K < N
  uint64_t count = 1;  // N
  bool holds(std::string_view reference) const;
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

Result<Shard> parse_shard(const std::string& text);

}  // namespace strata::app
