// FileTree: named files inside a directory or a tar archive, located as byte ranges of files
// on disk, so OCI layouts and docker-archives are read the same way whether they are
// unpacked or not.
//
//   std::optional<FileRange> r = tree.locate("index.json");
//   auto text = read_tree_file(tree, "index.json", limit);   // Result<std::string>
//
// Thread safety: immutable after construction; locate() may be called from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "strata/core/byte_stream.hpp"
#include "tar_index.hpp"

namespace strata {

struct FileRange {
  std::string path;  // the file on disk
  int64_t offset = 0;
  int64_t size = 0;
};

class FileTree {
 public:
  virtual ~FileTree() = default;
  // The regular file with this relative name, or nullopt.
  virtual std::optional<FileRange> locate(const std::string& name) const = 0;
};

class DirectoryTree final : public FileTree {
 public:
  explicit DirectoryTree(std::string root) : root_(std::move(root)) {}
  std::optional<FileRange> locate(const std::string& name) const override;

 private:
  std::string root_;
};

class TarTree final : public FileTree {
 public:
  explicit TarTree(TarIndex index) : index_(std::move(index)) {}
  std::optional<FileRange> locate(const std::string& name) const override;

 private:
  TarIndex index_;
};

Result<std::unique_ptr<ByteStream>> open_range(const FileRange& range);

// Reads a whole file of the tree (bounded); the error names the file.
Result<std::string> read_tree_file(const FileTree& tree, const std::string& name,
                                   uint64_t max_bytes);

}  // namespace strata
