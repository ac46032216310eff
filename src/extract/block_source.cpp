#include "block_source.hpp"

#include <archive.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

namespace strata {

std::string_view zero_block(uint64_t at_most) {
  static const std::array<char, 64 << 10> kZeros{};
  return std::string_view(kZeros.data(),
                          static_cast<size_t>(std::min<uint64_t>(at_most, kZeros.size())));
}

Result<std::string_view> ArchiveEntryBlocks::next() {
  if (failed_) return fail(error_);
  for (;;) {
    if (hole_ > 0) {
      std::string_view zeros = zero_block(hole_);
      hole_ -= zeros.size();
      return zeros;
    }
    if (!pending_.empty()) return std::exchange(pending_, {});
    if (eof_) return std::string_view{};
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(archive_, &block, &size, &offset);
    if (r == ARCHIVE_EOF) {
      eof_ = true;
      if (sparse_size_ > expected_) hole_ = static_cast<uint64_t>(sparse_size_ - expected_);
      continue;
    }
    if (r < ARCHIVE_WARN) {
      failed_ = true;
      fatal_ = r == ARCHIVE_FATAL;
      error_ = describe_failure_();
      return fail(error_);
    }
    if (offset > expected_) hole_ = static_cast<uint64_t>(offset - expected_);
    if (size > 0) pending_ = std::string_view(static_cast<const char*>(block), size);
    expected_ = std::max<int64_t>(expected_, offset + static_cast<int64_t>(size));
  }
}

Result<std::string_view> StreamBlocks::next() {
  if (eof_) return std::string_view{};
  auto n = stream_.read(buffer_.data(), buffer_.size());
  if (!n) return fail(n.error());
  if (*n == 0) eof_ = true;
  return std::string_view(buffer_.data(), *n);
}

Result<size_t> BlockStream::read(char* buffer, size_t capacity) {
  if (rest_.empty()) {
    auto block = blocks_.next();
    if (!block) return fail(block.error());
    rest_ = *block;
  }
  size_t n = std::min(capacity, rest_.size());
  if (n > 0) std::memcpy(buffer, rest_.data(), n);  // an empty view's data may be null
  rest_.remove_prefix(n);
  return n;
}

}  // namespace strata
