// Tar headers: the one parser of a tar entry's 512-byte header block (ustar, GNU and v7 fields,
// octal and base-256 numbers, the checksum summed as unsigned or as signed bytes) and of the
// extended headers before it (pax 'x' records: path, linkpath, size; global pax 'g'; GNU 'L'
// long names and 'K' long link targets). The docker-archive index (source) and the layer
// walker's tar reader (extract) both read tars with it. It lives in core because those two
// modules may each use core and neither may use the other; it is plain parsing with no
// dependency, which is what core holds.
//
// It parses, nothing more: reading the blocks, skipping data, and what an odd entry means (an
// error for the index, a hand-over to libarchive for the layer walker) are the callers'.
//
//   TarHeader h;
//   TarExtensions ext;
//   if (parse_tar_header(block, h) != TarBlock::kHeader) ...;   // zero block, bad checksum, size
//   if (is_tar_extension(h.type)) ext.add(h.type, body);         // body: h.size bytes after it
//   else { ext.entry_path(h, path); size = ext.entry_size(h); ...; ext.clear(); }
//
// Thread safety: plain values. Errors: results and flags, never exceptions. A plain ustar entry
// is parsed without allocating (views into the block); only extended headers copy their text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

inline constexpr size_t kTarBlockSize = 512;
// Bounds on extended headers (the size of one, and how many may precede one entry), so a hostile
// archive cannot ask for gigabytes of names. libarchive uses the same two bounds.
inline constexpr uint64_t kMaxTarExtensionBytes = 1 << 20;
inline constexpr int kMaxTarExtensionHeaders = 32;

// Bytes of padding after `size` bytes of data, up to the next block boundary.
constexpr uint64_t tar_padding(uint64_t size) {
  return (kTarBlockSize - size % kTarBlockSize) % kTarBlockSize;
}

// A numeric header field: GNU base-256 (first byte's high bit set, big-endian, non-negative), or
// octal digits after optional leading spaces, ending at a NUL, a space or the field's end.
// Anything else (another byte after the digits, a negative or a too-large value): nullopt.
// Values fit in int64_t.
std::optional<uint64_t> parse_tar_number(std::string_view field);

// The block's stored checksum equals its bytes summed as unsigned chars, or as signed chars
// (old BSD, Solaris and HP-UX writers), with the checksum field counted as blanks.
bool tar_checksum_matches(const char* block);

bool is_zero_tar_block(const char* block);

// x, g, L, K: headers that describe the entry after them rather than being entries.
constexpr bool is_tar_extension(char type) {
  return type == 'x' || type == 'g' || type == 'L' || type == 'K';
}

// One header block's fields, as views into the block.
struct TarHeader {
  char type = '0';          // typeflag byte as stored ('\0' and '7' are plain files too)
  uint64_t size = 0;        // the size field: bytes of data (or of the extended header's body)
  std::string_view name;    // the name field up to its first NUL
  std::string_view prefix;  // ustar's prefix field; empty in GNU and v7 headers
  std::string_view link;    // the link-name field up to its first NUL
};

enum class TarBlock {
  kHeader,       // `out` holds the header
  kZero,         // an all-zero block: end of archive
  kBadChecksum,  // damaged (or not a tar)
  kBadSize,      // the size field is not a number
};

// Parses one kTarBlockSize-byte block into `out` (views into `block`).
TarBlock parse_tar_header(const char* block, TarHeader& out);

// What the extended headers before an entry say about it. Collect each with add(), resolve the
// entry with entry_path/entry_link/entry_size, then clear() for the next entry (buffers are
// kept, so a long name costs no allocation once they have grown).
class TarExtensions {
 public:
  // The body of an extension header (its header's size bytes, without the padding). Global pax
  // records ('g') are accepted and not applied: libarchive, which strata follows, applies none.
  void add(char type, std::string_view body);
  void clear();

  // A pax record that is not "<length> <key>=<value>\n" with a true length, or a size that is
  // not a decimal number: nothing the records say is to be trusted.
  bool malformed() const { return malformed_; }
  // The records describe a sparse file (GNU.sparse.*, SCHILY.realsize, SUN.holesdata): the
  // entry's data is a map and fragments, not the file.
  bool sparse() const { return sparse_; }
  // A path, linkpath or size record with an empty value, which deletes it: the header's field
  // applies again.
  bool deletes_a_field() const { return deletes_; }

  // Precedence for each: pax record, then GNU long name (path and link only), then the header
  // (ustar prefix + '/' + name).
  void entry_path(const TarHeader& h, std::string& out) const;
  void entry_link(const TarHeader& h, std::string& out) const;
  uint64_t entry_size(const TarHeader& h) const { return pax_size_ ? *pax_size_ : h.size; }

 private:
  void add_pax(std::string_view body);
  void add_pax_record(std::string_view key, std::string_view value);

  std::string pax_path_, pax_link_, long_name_, long_link_;
  bool has_pax_path_ = false, has_pax_link_ = false, has_long_name_ = false, has_long_link_ = false;
  std::optional<uint64_t> pax_size_;
  bool malformed_ = false, sparse_ = false, deletes_ = false;
};

}  // namespace strata
