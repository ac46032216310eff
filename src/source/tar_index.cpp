#include "tar_index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "strata/core/image_path.hpp"
#include "strata/core/unique_fd.hpp"

namespace strata {
namespace {

constexpr int64_t kBlock = 512;
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

std::string dirname_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

std::unexpected<Error> bad_header(int64_t pos, const std::string& what) {
  return fail("tar header at byte " + std::to_string(pos) + ": " + what);
}

// Reads one extended header's body and applies it to `ext`; `pos` is its header's offset.
Status read_extension(int fd, int64_t pos, int64_t file_size, const TarHeader& header,
                      std::string& body, TarExtensions& ext) {
  const int64_t size = static_cast<int64_t>(header.size);
  if (header.size > kMaxTarExtensionBytes || pos + kBlock + size > file_size) {
    return bad_header(pos, "extended header too large or truncated");
  }
  body.resize(static_cast<size_t>(size));
  auto r = pread_exact(fd, body.data(), size, pos + kBlock);
  if (!r) return fail(r.error());
  ext.add(header.type, body);
  return {};
}

}  // namespace

std::string normalize_member_name(std::string_view name) {
  return normalize_image_path(name, DotDot::kResolve);
}

Status TarIndex::add_member(int64_t pos, const TarHeader& header, const TarExtensions& ext) {
  if (ext.malformed()) return bad_header(pos, "malformed pax extended header");
  if (ext.sparse()) return bad_header(pos, "sparse member (not supported in an image archive)");
  std::string name, link;
  ext.entry_path(header, name);
  ext.entry_link(header, link);
  TarMember m;
  m.offset = pos + kBlock;
  m.size = static_cast<int64_t>(ext.entry_size(header));
  m.type = header.type == '\0' || header.type == '7' ? '0' : header.type;
  // A name ending in '/' is a directory whatever the type says (old tars wrote them as files).
  if (name.ends_with('/') && m.type != '1') m.type = '5';
  std::string norm = normalize_member_name(name);
  if (m.type == '2') {
    // Symlink targets are relative to the link's directory (or to the root when absolute).
    m.link = normalize_member_name(link.starts_with('/') ? link : dirname_of(norm) + "/" + link);
    m.size = 0;
  } else if (m.type == '1') {
    m.link = normalize_member_name(link);
  }
  if (members_.size() >= kMaxMembers && !members_.contains(norm)) {
    return fail("tar has more than " + std::to_string(kMaxMembers) + " members");
  }
  members_[norm] = std::move(m);
  return {};
}

Result<TarIndex> TarIndex::build(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(path + ": " + std::strerror(errno));
  const int64_t file_size = st.st_size;

  TarIndex index;
  index.path_ = path;
  TarExtensions ext;
  std::string body;
  int extensions = 0;  // before the current member
  char h[kBlock];
  int64_t pos = 0;
  for (;;) {
    if (pos + kBlock > file_size) {
      if (pos == 0) return fail("not a tar: too short for a tar header");
      if (extensions > 0) return bad_header(pos, "extended header without a member after it");
      break;  // missing end-of-archive blocks: tolerated, as tar does
    }
    auto ok = pread_exact(fd.get(), h, kBlock, pos);
    if (!ok) return fail(ok.error());
    if (!*ok) break;
    TarHeader header;
    switch (parse_tar_header(h, header)) {
      case TarBlock::kZero:
        if (pos == 0) return fail("not a tar: first header is empty");
        if (extensions > 0) return bad_header(pos, "extended header without a member after it");
        return index;
      case TarBlock::kBadChecksum:
        if (pos == 0) return fail("not a tar: bad header checksum at byte 0");
        return bad_header(pos, "bad checksum (corrupt archive)");
      case TarBlock::kBadSize:
        return bad_header(pos, "invalid size");
      case TarBlock::kHeader:
        break;
    }
    if (is_tar_extension(header.type)) {
      if (++extensions > kMaxTarExtensionHeaders) {
        return bad_header(pos, "more than " + std::to_string(kMaxTarExtensionHeaders) +
                                   " extended headers before one member");
      }
      auto read = read_extension(fd.get(), pos, file_size, header, body, ext);
      if (!read) return fail(read.error());
      pos += kBlock + static_cast<int64_t>(header.size + tar_padding(header.size));
      continue;  // (read_extension checked that the body lies within the file)
    }
    auto added = index.add_member(pos, header, ext);
    if (!added) return fail(added.error());
    const uint64_t size = ext.entry_size(header);
    ext.clear();
    extensions = 0;
    // Truncated: the last member's read will fail clearly.
    if (size > static_cast<uint64_t>(file_size - pos - kBlock)) break;
    pos += kBlock + static_cast<int64_t>(size + tar_padding(size));
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
