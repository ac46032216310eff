#include "file_tree.hpp"

#include <sys/stat.h>

namespace strata {

std::optional<FileRange> DirectoryTree::locate(const std::string& name) const {
  std::string path = root_ + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileRange{path, 0, static_cast<int64_t>(st.st_size)};
}

std::optional<FileRange> TarTree::locate(const std::string& name) const {
  const TarMember* m = index_.find(name);
  if (!m) return std::nullopt;
  return FileRange{index_.path(), m->offset, m->size};
}

Result<std::unique_ptr<ByteStream>> open_range(const FileRange& range) {
  return open_file_stream(range.path, range.offset, range.size);
}

Result<std::string> read_tree_file(const FileTree& tree, const std::string& name,
                                   uint64_t max_bytes) {
  auto range = tree.locate(name);
  if (!range) return fail(name + ": missing");
  if (static_cast<uint64_t>(range->size) > max_bytes) {
    return fail(name + ": larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  auto stream = open_range(*range);
  if (!stream) return fail(stream.error().with_context(name));
  auto text = read_all(**stream, max_bytes);
  if (!text) return fail(text.error().with_context(name));
  return text;
}

}  // namespace strata
