#include "tar_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "strata/core/image_path.hpp"
#include "strata/core/unique_fd.hpp"

namespace strata {
namespace {

constexpr int64_t kBlock = 512;
// Bounds for GNU long-name and pax header data, so a hostile archive cannot ask for gigabytes.
constexpr int64_t kMaxExtendedHeader = 1 << 20;
// Bound on indexed members; a docker-archive has a few per layer.
constexpr size_t kMaxMembers = 2'000'000;
constexpr int kMaxLinkHops = 16;

// Reads exactly n bytes at offset; false at a short read (end of file).
Result<bool> pread_exact(int fd, char* buf, int64_t n, int64_t offset) {
  int64_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, buf + done, static_cast<size_t>(n - done), offset + done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(std::string("read failed: ") + std::strerror(errno));
    if (r == 0) return false;
    done += r;
  }
  return true;
}

std::string field(const char* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  return std::string(p, len);
}

// Octal (NUL/space terminated) or GNU base-256 (high bit of the first byte set).
std::optional<int64_t> parse_number(const char* p, size_t n) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  if (u[0] & 0x80) {
    if (u[0] & 0x40) return std::nullopt;  // negative
    int64_t v = u[0] & 0x3f;
    for (size_t i = 1; i < n; ++i) {
      if (v > (INT64_MAX >> 8)) return std::nullopt;
      v = (v << 8) | u[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < n && p[i] == ' ') ++i;
  int64_t v = 0;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v > (INT64_MAX >> 3)) return std::nullopt;
    v = v * 8 + (p[i] - '0');
  }
  // The digits end at a NUL or space (or the end of the field); anything else is not a number.
  if (i < n && p[i] != ' ' && p[i] != '\0') return std::nullopt;
  return v;
}

bool checksum_ok(const char* h) {
  auto stored = parse_number(h + 148, 8);
  if (!stored) return false;
  int64_t unsigned_sum = 0, signed_sum = 0;
  for (int i = 0; i < kBlock; ++i) {
    bool in_field = i >= 148 && i < 156;
    unsigned char c = in_field ? ' ' : static_cast<unsigned char>(h[i]);
    unsigned_sum += c;
    signed_sum += in_field ? ' ' : static_cast<signed char>(h[i]);
  }
  return *stored == unsigned_sum || *stored == signed_sum;
}

bool all_zero(const char* h) {
  return std::all_of(h, h + kBlock, [](char c) { return c == '\0'; });
}

// Pax records: "<len> <key>=<value>\n".
void parse_pax(const std::string& data, std::optional<std::string>& path,
               std::optional<std::string>& linkpath, std::optional<int64_t>& size) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t space = data.find(' ', pos);
    if (space == std::string::npos) return;
    size_t len = 0;
    for (size_t i = pos; i < space; ++i) {
      if (data[i] < '0' || data[i] > '9') return;
      len = len * 10 + static_cast<size_t>(data[i] - '0');
      if (len > data.size()) return;
    }
    if (len == 0 || pos + len > data.size()) return;
    std::string record = data.substr(space + 1, pos + len - space - 1);
    if (!record.empty() && record.back() == '\n') record.pop_back();
    auto eq = record.find('=');
    if (eq != std::string::npos) {
      std::string key = record.substr(0, eq), value = record.substr(eq + 1);
      if (key == "path") path = value;
      if (key == "linkpath") linkpath = value;
      if (key == "size") {
        // pax sizes are decimal
        int64_t d = 0;
        bool ok = !value.empty();
        for (char c : value) {
          if (c < '0' || c > '9' || d > (INT64_MAX / 10 - 10)) ok = false;
          if (ok) d = d * 10 + (c - '0');
        }
        if (ok) size = d;
      }
    }
    pos += len;
  }
}

std::string dirname_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

}  // namespace

std::string normalize_member_name(std::string_view name) {
  return normalize_image_path(name, DotDot::kResolve);
}

Result<TarIndex> TarIndex::build(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(path + ": " + std::strerror(errno));
  const int64_t file_size = st.st_size;

  TarIndex index;
  index.path_ = path;
  std::optional<std::string> long_name, long_link, pax_path, pax_link;
  std::optional<int64_t> pax_size;
  char h[kBlock];
  int64_t pos = 0;
  bool saw_header = false;
  for (;;) {
    if (pos + kBlock > file_size) {
      if (!saw_header) return fail("not a tar: too short for a tar header");
      break;  // missing end-of-archive blocks: tolerated, as tar does
    }
    auto ok = pread_exact(fd.get(), h, kBlock, pos);
    if (!ok) return fail(ok.error());
    if (!*ok) break;
    if (all_zero(h)) {
      if (!saw_header) return fail("not a tar: first header is empty");
      break;
    }
    if (!checksum_ok(h)) {
      if (!saw_header) return fail("not a tar: bad header checksum at byte 0");
      return fail("tar header at byte " + std::to_string(pos) + ": bad checksum (corrupt archive)");
    }
    saw_header = true;
    auto size = parse_number(h + 124, 12);
    if (!size) return fail("tar header at byte " + std::to_string(pos) + ": invalid size");
    char type = h[156];
    if (pax_size && type != 'x' && type != 'g') size = *pax_size;
    const int64_t data = pos + kBlock;
    const int64_t next = data + (*size + kBlock - 1) / kBlock * kBlock;

    if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
      if (type != 'g') {
        if (*size > kMaxExtendedHeader || data + *size > file_size) {
          return fail("tar header at byte " + std::to_string(pos) +
                      ": extended header too large or truncated");
        }
        std::string text(static_cast<size_t>(*size), '\0');
        auto r = pread_exact(fd.get(), text.data(), *size, data);
        if (!r) return fail(r.error());
        if (type == 'x') {
          parse_pax(text, pax_path, pax_link, pax_size);
        } else {
          text = field(text.data(), text.size());
          (type == 'L' ? long_name : long_link) = text;
        }
      }
      pos = next;
      continue;
    }

    std::string name = field(h, 100);
    bool posix_ustar = std::memcmp(h + 257, "ustar\0", 6) == 0;
    if (posix_ustar && h[345] != '\0') name = field(h + 345, 155) + "/" + name;
    if (long_name) name = *long_name;
    if (pax_path) name = *pax_path;
    std::string link = field(h + 157, 100);
    if (long_link) link = *long_link;
    if (pax_link) link = *pax_link;
    long_name.reset();
    long_link.reset();
    pax_path.reset();
    pax_link.reset();
    pax_size.reset();

    TarMember m;
    m.offset = data;
    m.size = *size;
    m.type = type == '\0' || type == '7' ? '0' : type;
    std::string norm = normalize_member_name(name);
    if (m.type == '2') {
      // Symlink targets are relative to the link's directory (or to the root when absolute).
      m.link = normalize_member_name(link.starts_with('/') ? link : dirname_of(norm) + "/" + link);
      m.size = 0;
    } else if (m.type == '1') {
      m.link = normalize_member_name(link);
    }
    if (index.members_.size() >= kMaxMembers && !index.members_.contains(norm)) {
      return fail("tar has more than " + std::to_string(kMaxMembers) + " members");
    }
    index.members_[norm] = std::move(m);
    if (next > file_size) break;  // truncated: the last member's read will fail clearly
    pos = next;
  }
  return index;
}

const TarMember* TarIndex::find(std::string_view name) const {
  std::string key = normalize_member_name(name);
  for (int hop = 0; hop <= kMaxLinkHops; ++hop) {
    auto it = members_.find(key);
    if (it == members_.end()) return nullptr;
    const TarMember& m = it->second;
    if (m.type == '1' || m.type == '2') {
      // A hardlink with its own data (pax allows it) is the data.
      if (m.type == '1' && m.size > 0) return &m;
      key = m.link;
      continue;
    }
    return m.type == '0' ? &m : nullptr;
  }
  return nullptr;  // a link loop
}

}  // namespace strata
