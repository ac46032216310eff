#include "tar_reader.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace strata {
namespace {

Error truncated(const char* what) {
  return Error{std::string("tar: truncated tar archive (") + what + ")"};
}

// The entry's type as the walk sees it; nullopt for the types left to libarchive (sparse,
// multi-volume, vendor types).
std::optional<EntryType> entry_type(char type) {
  switch (type) {
    case '0':
    case '\0':
    case '7':
      return EntryType::kFile;
    case '1':
      return EntryType::kHardlink;
    case '2':
      return EntryType::kSymlink;
    case '5':
      return EntryType::kDirectory;
    case '3':
    case '4':
    case '6':
      return EntryType::kOther;
    default:
      return std::nullopt;
  }
}

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
  extensions_.clear();

  TarHeader header;
  for (int extensions = 0;; ++extensions) {
    size_t at = headers_.size();
    auto got = read_to_headers(kTarBlockSize);
    if (!got) return fail(got.error());
    if (*got == 0 && at == 0) return Next::kEnd;  // some writers omit the end-of-archive blocks
    if (*got < kTarBlockSize) return fail(truncated("header cut short"));
    switch (parse_tar_header(headers_.data() + at, header)) {
      case TarBlock::kZero:
        return at == 0 ? Next::kEnd : Next::kHandOver;
      case TarBlock::kBadChecksum:
        return fail(Error{"tar: damaged tar header (checksum mismatch)"});
      case TarBlock::kBadSize:
        return fail(Error{"tar: damaged tar header (size field)"});
      case TarBlock::kHeader:
        break;
    }
    if (!is_tar_extension(header.type)) break;
    if (extensions >= kMaxTarExtensionHeaders || header.size > kMaxTarExtensionBytes) {
      return Next::kHandOver;
    }
    auto body = read_extension_body(header.size);
    if (!body) return fail(body.error());
    extensions_.add(header.type, *body);
  }
  // `header` views headers_, which grows no more for this entry.
  if (extensions_.malformed() || extensions_.sparse() || extensions_.deletes_a_field()) {
    return Next::kHandOver;  // rare, and libarchive's to judge
  }
  return take_entry(header, entry);
}

Result<std::string_view> TarReader::read_extension_body(uint64_t size) {
  size_t body_at = headers_.size();
  size_t padded = static_cast<size_t>(size + tar_padding(size));
  auto got = read_to_headers(padded);
  if (!got) return fail(got.error());
  if (*got < padded) return fail(truncated("extended header cut short"));
  return std::string_view(headers_.data() + body_at, static_cast<size_t>(size));
}

TarReader::Next TarReader::take_entry(const TarHeader& header, TarEntry& entry) {
  uint64_t data_size = extensions_.entry_size(header);
  std::optional<EntryType> type = entry_type(header.type);
  // Only a plain file carries data here; any other entry with data is libarchive's to judge.
  if (!type || (*type != EntryType::kFile && data_size > 0)) return Next::kHandOver;
  extensions_.entry_path(header, entry.path);
  extensions_.entry_link(header, entry.link_target);
  entry.type = *type;
  // A name ending in '/' is a directory whatever the type says (old tars wrote them as files).
  if (!entry.path.empty() && entry.path.back() == '/' && entry.type != EntryType::kHardlink) {
    if (data_size > 0) return Next::kHandOver;
    entry.type = EntryType::kDirectory;
  }
  entry.size = entry.type == EntryType::kFile ? data_size : 0;
  data_left_ = entry.size;
  padding_ = tar_padding(entry.size);
  return Next::kEntry;
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
