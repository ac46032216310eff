#include "strata/core/tar_header.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace strata {
namespace {

// Header field offsets and lengths (POSIX ustar; GNU and v7 share the ones used here).
constexpr size_t kName = 0, kNameLen = 100;
constexpr size_t kSize = 124, kSizeLen = 12;
constexpr size_t kChecksum = 148, kChecksumLen = 8;
constexpr size_t kType = 156;
constexpr size_t kLink = 157, kLinkLen = 100;
constexpr size_t kMagic = 257;
constexpr size_t kPrefix = 345, kPrefixLen = 155;

std::string_view text_field(const char* h, size_t offset, size_t length) {
  const char* p = h + offset;
  return std::string_view(p, strnlen(p, length));
}

std::optional<uint64_t> base256(std::string_view field) {
  const auto* p = reinterpret_cast<const unsigned char*>(field.data());
  if (p[0] & 0x40) return std::nullopt;  // negative
  uint64_t v = p[0] & 0x3f;
  for (size_t i = 1; i < field.size(); ++i) {
    if (v >> 55) return std::nullopt;
    v = (v << 8) | p[i];
  }
  return v;
}

uint32_t unsigned_byte_sum(const char* h) {
#if defined(__SSE2__)
  // psadbw sums 8 bytes at a time: a header is summed in 32 steps instead of 512.
  __m128i sums = _mm_setzero_si128();
  for (size_t i = 0; i < kTarBlockSize; i += 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    sums = _mm_add_epi64(sums, _mm_sad_epu8(bytes, _mm_setzero_si128()));
  }
  return static_cast<uint32_t>(_mm_cvtsi128_si32(sums) +
                               _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
#else
  uint32_t sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) sum += static_cast<unsigned char>(h[i]);
  return sum;
#endif
}

std::optional<uint64_t> decimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// A GNU long name or link: the body up to its first NUL.
void assign_long(std::string_view body, std::string& out, bool& has) {
  out.assign(body.substr(0, body.find('\0')));
  has = true;
}

}  // namespace

std::optional<uint64_t> parse_tar_number(std::string_view field) {
  if (field.empty()) return std::nullopt;
  if (static_cast<unsigned char>(field[0]) & 0x80) return base256(field);
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  uint64_t v = 0;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60) return std::nullopt;
    v = (v << 3) | static_cast<uint64_t>(field[i] - '0');
  }
  if (i < field.size() && field[i] != ' ' && field[i] != '\0') return std::nullopt;
  return v;
}

bool tar_checksum_matches(const char* h) {
  auto stored = parse_tar_number(std::string_view(h + kChecksum, kChecksumLen));
  if (!stored) return false;
  uint32_t sum_unsigned = unsigned_byte_sum(h);
  for (size_t i = kChecksum; i < kChecksum + kChecksumLen; ++i) {
    sum_unsigned += ' ' - static_cast<unsigned char>(h[i]);
  }
  if (*stored == sum_unsigned) return true;
  // Only a header with bytes >= 0x80 sums differently as signed chars: rare, so summed slowly.
  int32_t sum_signed = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    bool in_field = i >= kChecksum && i < kChecksum + kChecksumLen;
    sum_signed += in_field ? ' ' : static_cast<signed char>(h[i]);
  }
  return static_cast<int64_t>(*stored) == sum_signed;
}

bool is_zero_tar_block(const char* h) {
  return h[0] == 0 && std::memcmp(h, h + 1, kTarBlockSize - 1) == 0;
}

TarBlock parse_tar_header(const char* h, TarHeader& out) {
  if (is_zero_tar_block(h)) return TarBlock::kZero;
  if (!tar_checksum_matches(h)) return TarBlock::kBadChecksum;
  auto size = parse_tar_number(std::string_view(h + kSize, kSizeLen));
  if (!size) return TarBlock::kBadSize;
  out.size = *size;
  out.type = h[kType];
  out.name = text_field(h, kName, kNameLen);
  out.link = text_field(h, kLink, kLinkLen);
  // GNU headers ("ustar  \0") keep other fields where ustar has its prefix.
  bool ustar = std::memcmp(h + kMagic, "ustar\0", 6) == 0;
  out.prefix = ustar ? text_field(h, kPrefix, kPrefixLen) : std::string_view{};
  return TarBlock::kHeader;
}

void TarExtensions::add(char type, std::string_view body) {
  switch (type) {
    case 'x':
      add_pax(body);
      break;
    case 'L':
      assign_long(body, long_name_, has_long_name_);
      break;
    case 'K':
      assign_long(body, long_link_, has_long_link_);
      break;
    default:  // 'g': see the header
      break;
  }
}

void TarExtensions::clear() {
  has_pax_path_ = has_pax_link_ = has_long_name_ = has_long_link_ = false;
  pax_size_.reset();
  malformed_ = sparse_ = deletes_ = false;
}

// Records are "<length> <key>=<value>\n", the length counting the whole record.
void TarExtensions::add_pax(std::string_view body) {
  while (!body.empty()) {
    size_t space = body.find(' ');
    auto length = space == std::string_view::npos ? std::nullopt : decimal(body.substr(0, space));
    if (!length || *length <= space + 1 || *length > body.size() || body[*length - 1] != '\n') {
      malformed_ = true;
      return;
    }
    std::string_view record = body.substr(space + 1, *length - space - 2);
    body.remove_prefix(*length);
    size_t eq = record.find('=');
    if (eq == std::string_view::npos) {
      malformed_ = true;
      return;
    }
    add_pax_record(record.substr(0, eq), record.substr(eq + 1));
  }
}

void TarExtensions::add_pax_record(std::string_view key, std::string_view value) {
  if (key == "path" || key == "linkpath" || key == "size") {
    bool deleted = value.empty();
    deletes_ |= deleted;
    if (key == "path") {
      pax_path_.assign(value);
      has_pax_path_ = !deleted;
    } else if (key == "linkpath") {
      pax_link_.assign(value);
      has_pax_link_ = !deleted;
    } else if (deleted) {
      pax_size_.reset();
    } else if (!(pax_size_ = decimal(value))) {
      malformed_ = true;
    }
  } else if (key.starts_with("GNU.sparse.") || key == "SCHILY.realsize" || key == "SUN.holesdata") {
    sparse_ = true;
  }
}

void TarExtensions::entry_path(const TarHeader& h, std::string& out) const {
  if (has_pax_path_) {
    out.assign(pax_path_);
  } else if (has_long_name_) {
    out.assign(long_name_);
  } else {
    out.assign(h.prefix);
    if (!h.prefix.empty() && h.prefix.back() != '/') out.push_back('/');
    out.append(h.name);
  }
}

void TarExtensions::entry_link(const TarHeader& h, std::string& out) const {
  if (has_pax_link_) {
    out.assign(pax_link_);
  } else if (has_long_link_) {
    out.assign(long_link_);
  } else {
    out.assign(h.link);
  }
}

}  // namespace strata
