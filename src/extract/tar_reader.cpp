#include "tar_reader.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace strata {
namespace {

constexpr size_t kBlock = 512;
// Extended headers past these bounds go to libarchive, which has its own.
constexpr uint64_t kMaxExtensionBytes = 1 << 20;
constexpr int kMaxExtensionHeaders = 32;

// Header field offsets and lengths (POSIX ustar; GNU shares the ones used here).
constexpr size_t kName = 0, kNameLen = 100;
constexpr size_t kSize = 124, kSizeLen = 12;
constexpr size_t kChecksum = 148, kChecksumLen = 8;
constexpr size_t kType = 156;
constexpr size_t kLink = 157, kLinkLen = 100;
constexpr size_t kMagic = 257;
constexpr size_t kPrefix = 345, kPrefixLen = 155;

Error truncated(const char* what) {
  return Error{std::string("tar: truncated tar archive (") + what + ")"};
}

std::string_view text_field(const char* h, size_t offset, size_t length) {
  const char* p = h + offset;
  return std::string_view(p, strnlen(p, length));
}

// A numeric field: octal digits after optional leading blanks, ending at the first other
// byte, or GNU base-256 (first byte 0x80, big-endian). Negative or too large: nullopt.
std::optional<uint64_t> number_field(const char* h, size_t offset, size_t length) {
  const auto* p = reinterpret_cast<const unsigned char*>(h + offset);
  if (p[0] & 0x80) {
    if (p[0] & 0x40) return std::nullopt;  // negative
    uint64_t v = p[0] & 0x3f;
    for (size_t i = 1; i < length; ++i) {
      if (v >> 55) return std::nullopt;
      v = (v << 8) | p[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < length && (p[i] == ' ' || p[i] == '\t')) ++i;
  uint64_t v = 0;
  for (; i < length && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 60) return std::nullopt;
    v = (v << 3) | (p[i] - '0');
  }
  return v;
}

bool is_zero_block(const char* h) { return h[0] == 0 && std::memcmp(h, h + 1, kBlock - 1) == 0; }

uint32_t unsigned_byte_sum(const char* h) {
#if defined(__SSE2__)
  // psadbw sums 8 bytes at a time: a header is summed in 32 steps instead of 512.
  __m128i sums = _mm_setzero_si128();
  for (size_t i = 0; i < kBlock; i += 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    sums = _mm_add_epi64(sums, _mm_sad_epu8(bytes, _mm_setzero_si128()));
  }
  return static_cast<uint32_t>(_mm_cvtsi128_si32(sums) +
                               _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
#else
  uint32_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
  return sum;
#endif
}

// The stored checksum matches the header's bytes summed as unsigned or as signed chars (old
// writers used either), with the checksum field itself counted as blanks.
bool checksum_matches(const char* h) {
  auto stored = number_field(h, kChecksum, kChecksumLen);
  if (!stored) return false;
  uint32_t sum_unsigned = unsigned_byte_sum(h);
  for (size_t i = kChecksum; i < kChecksum + kChecksumLen; ++i) {
    sum_unsigned += ' ' - static_cast<unsigned char>(h[i]);
  }
  if (*stored == sum_unsigned) return true;
  int32_t sum_signed = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChecksum && i < kChecksum + kChecksumLen;
    sum_signed += in_field ? ' ' : static_cast<signed char>(h[i]);
  }
  return static_cast<int64_t>(*stored) == sum_signed;
}

// What a pax extended header says about the entry after it.
struct PaxValues {
  std::optional<std::string> path, link_target;
  std::optional<uint64_t> size;
  bool for_libarchive = false;  // sparse-file records, or anything malformed
};

std::optional<uint64_t> decimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// Records are "<length> <key>=<value>\n", the length counting the whole record.
void parse_pax(std::string_view body, PaxValues& out) {
  while (!body.empty()) {
    size_t space = body.find(' ');
    auto length = space == std::string_view::npos ? std::nullopt : decimal(body.substr(0, space));
    if (!length || *length <= space + 1 || *length > body.size() || body[*length - 1] != '\n') {
      out.for_libarchive = true;
      return;
    }
    std::string_view record = body.substr(space + 1, *length - space - 2);
    body.remove_prefix(*length);
    size_t eq = record.find('=');
    if (eq == std::string_view::npos) {
      out.for_libarchive = true;
      return;
    }
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    if (key == "path" || key == "linkpath" || key == "size") {
      if (value.empty()) {  // "deleted": back to the header's field; rare, left to libarchive
        out.for_libarchive = true;
      } else if (key == "path") {
        out.path = std::string(value);
      } else if (key == "linkpath") {
        out.link_target = std::string(value);
      } else if (!(out.size = decimal(value))) {
        out.for_libarchive = true;
      }
    } else if (key.starts_with("GNU.sparse.") || key == "SCHILY.realsize" ||
               key == "SUN.holesdata") {
      out.for_libarchive = true;
    }
  }
}

uint64_t padding_of(uint64_t size) { return (kBlock - size % kBlock) % kBlock; }

}  // namespace

Result<bool> TarReader::fill() {
  while (cur_.empty()) {
    if (source_ended_) return false;
    auto block = source_.next();
    if (!block) return fail(block.error());
    if (block->empty()) {
      source_ended_ = true;
      return false;
    }
    cur_ = *block;
  }
  return true;
}

Result<size_t> TarReader::read_to_headers(size_t n) {
  size_t got = 0;
  while (got < n) {
    auto more = fill();
    if (!more) return fail(more.error());
    if (!*more) break;
    size_t k = std::min(n - got, cur_.size());
    headers_.append(cur_.data(), k);
    cur_.remove_prefix(k);
    got += k;
  }
  return got;
}

Result<bool> TarReader::skip(uint64_t n) {
  while (n > 0) {
    auto more = fill();
    if (!more) return fail(more.error());
    if (!*more) return false;
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, cur_.size()));
    cur_.remove_prefix(k);
    n -= k;
  }
  return true;
}

Result<TarReader::Next> TarReader::next(TarEntry& entry) {
  auto skipped = skip(data_left_ + padding_);
  if (!skipped) return fail(skipped.error());
  if (!*skipped) return fail(truncated("entry data cut short"));
  data_left_ = padding_ = 0;
  headers_.clear();

  PaxValues pax;
  std::optional<std::string> long_name, long_link;
  for (int extensions = 0;; ++extensions) {
    size_t at = headers_.size();
    auto got = read_to_headers(kBlock);
    if (!got) return fail(got.error());
    if (*got == 0 && at == 0) return Next::kEnd;  // some writers omit the end-of-archive blocks
    if (*got < kBlock) return fail(truncated("header cut short"));
    if (is_zero_block(headers_.data() + at)) return at == 0 ? Next::kEnd : Next::kHandOver;
    if (!checksum_matches(headers_.data() + at)) {
      return fail(Error{"tar: damaged tar header (checksum mismatch)"});
    }
    auto size = number_field(headers_.data() + at, kSize, kSizeLen);
    if (!size) return fail(Error{"tar: damaged tar header (size field)"});
    char type = headers_[at + kType];

    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      if (extensions >= kMaxExtensionHeaders || *size > kMaxExtensionBytes) return Next::kHandOver;
      size_t body_at = headers_.size();
      size_t padded = static_cast<size_t>(*size + padding_of(*size));
      auto body_got = read_to_headers(padded);
      if (!body_got) return fail(body_got.error());
      if (*body_got < padded) return fail(truncated("extended header cut short"));
      std::string_view body(headers_.data() + body_at, static_cast<size_t>(*size));
      if (type == 'x') {
        parse_pax(body, pax);
      } else if (type == 'L') {
        long_name = std::string(body.substr(0, body.find('\0')));
      } else if (type == 'K') {
        long_link = std::string(body.substr(0, body.find('\0')));
      }  // 'g': global records; libarchive applies none of them either
      continue;
    }
    if (pax.for_libarchive) return Next::kHandOver;

    const char* h = headers_.data() + at;
    if (pax.path) {
      entry.path = std::move(*pax.path);
    } else if (long_name) {
      entry.path = std::move(*long_name);
    } else {
      std::string_view prefix;
      if (std::memcmp(h + kMagic, "ustar\0", 6) == 0) prefix = text_field(h, kPrefix, kPrefixLen);
      entry.path.assign(prefix);
      if (!prefix.empty() && prefix.back() != '/') entry.path.push_back('/');
      entry.path.append(text_field(h, kName, kNameLen));
    }
    if (pax.link_target) {
      entry.link_target = std::move(*pax.link_target);
    } else if (long_link) {
      entry.link_target = std::move(*long_link);
    } else {
      entry.link_target.assign(text_field(h, kLink, kLinkLen));
    }
    uint64_t data_size = pax.size ? *pax.size : *size;

    // Only a plain file carries data here; any other entry with data is libarchive's to judge.
    bool plain_file = type == '0' || type == '\0' || type == '7';
    if (!plain_file && data_size > 0) return Next::kHandOver;
    switch (type) {
      case '0':
      case '\0':
      case '7':
        entry.type = EntryType::kFile;
        break;
      case '1':
        entry.type = EntryType::kHardlink;
        break;
      case '2':
        entry.type = EntryType::kSymlink;
        break;
      case '5':
        entry.type = EntryType::kDirectory;
        break;
      case '3':
      case '4':
      case '6':
        entry.type = EntryType::kOther;
        break;
      default:  // sparse, multi-volume, vendor types
        return Next::kHandOver;
    }
    // A name ending in '/' is a directory whatever the type says (old tars wrote them as files).
    if (!entry.path.empty() && entry.path.back() == '/' && entry.type != EntryType::kHardlink) {
      if (data_size > 0) return Next::kHandOver;
      entry.type = EntryType::kDirectory;
    }
    entry.size = entry.type == EntryType::kFile ? data_size : 0;
    data_left_ = entry.size;
    padding_ = padding_of(entry.size);
    return Next::kEntry;
  }
}

Result<std::string_view> TarReader::EntryData::next() {
  if (r_.data_left_ == 0) return std::string_view{};
  auto more = r_.fill();
  if (!more) return fail(more.error());
  if (!*more) return fail(truncated("entry data cut short"));
  size_t k = static_cast<size_t>(std::min<uint64_t>(r_.data_left_, r_.cur_.size()));
  std::string_view view = r_.cur_.substr(0, k);
  r_.cur_.remove_prefix(k);
  r_.data_left_ -= k;
  return view;
}

Result<std::string_view> TarReader::Rest::next() {
  if (stage_ == 0) {
    stage_ = 1;
    if (!r_.headers_.empty()) return std::string_view(r_.headers_);
  }
  if (stage_ == 1) {
    stage_ = 2;
    if (!r_.cur_.empty()) return std::exchange(r_.cur_, {});
  }
  if (r_.source_ended_) return std::string_view{};
  auto block = r_.source_.next();
  if (block && block->empty()) r_.source_ended_ = true;
  return block;
}

}  // namespace strata
