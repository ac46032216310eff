// LayoutImageSource: an OCI layout or a docker-archive, in a directory or a tar file. The
// listing is read once, at open, so bad metadata fails early; its layers then only locate and
// stream (digest- and size-checked) and share nothing mutable between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "file_tree.hpp"
#include "strata/source/open_source.hpp"
#include "temp_file.hpp"

namespace strata {

enum class LayoutKind { kOci, kDockerArchive };

class LayoutImageSource final : public ImageSource {
 public:
  // `spool` keeps a spooled stdin file alive as long as the source and its layers.
  static Result<std::unique_ptr<ImageSource>> open(std::unique_ptr<FileTree> tree, LayoutKind kind,
                                                   std::string source, const SourceOptions& options,
                                                   std::shared_ptr<TempFile> spool);

  Result<std::vector<Image>> images() override { return images_; }
  std::string describe() const override { return source_; }

 private:
  LayoutImageSource() = default;

  std::string source_;
  std::vector<Image> images_;
};

}  // namespace strata
