// TarIndex: the members of an uncompressed tar file, indexed once by name with the offset and
// size of their data, so each can be read later as a byte range (open_file_stream) by many
// threads at once.
//
//   auto index = TarIndex::build("app.tar");          // Result<TarIndex>
//   if (const TarMember* m = index->find("manifest.json")) read(m->offset, m->size);
//
// Names are normalized ("./a/b/" -> "a/b"). Symlink and hardlink members resolve to the member
// they point at (legacy docker-archives link <id>/layer.tar to another layer's tar). Headers are
// read by the shared tar header parser (strata/core/tar_header.hpp): ustar prefixes, GNU long
// names/links, pax path/linkpath/size records. A malformed pax header, a sparse member, or
// extended headers with no member after them are errors: the index cannot serve them as bytes.
// Thread safety: immutable after build. Errors: "not a tar: …", "tar header at byte N: …".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "strata/core/result.hpp"
#include "strata/core/tar_header.hpp"

namespace strata {

struct TarMember {
  int64_t offset = 0;  // of the data, in the tar file
  int64_t size = 0;
  char type = '0';   // tar typeflag: '0' file, '1' hardlink, '2' symlink, '5' directory, …
  std::string link;  // normalized target of a link member
};

class TarIndex {
 public:
  static Result<TarIndex> build(const std::string& path);

  // The regular-file member with this name, links followed; nullptr when there is none.
  const TarMember* find(std::string_view name) const;
  size_t size() const { return members_.size(); }
  const std::string& path() const { return path_; }

 private:
  // Indexes the member whose header is at `pos`, as the extended headers before it say.
  Status add_member(int64_t pos, const TarHeader& header, const TarExtensions& ext);

  std::string path_;
  std::unordered_map<std::string, TarMember> members_;
};

// "./a//b/" -> "a/b"; "." and ".." components are resolved ("a/../b" -> "b").
std::string normalize_member_name(std::string_view name);

}  // namespace strata
