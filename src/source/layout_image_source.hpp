// LayoutImageSource: an OCI layout or a docker-archive, in a directory or a tar file. The
// listing is read once, at open, so bad metadata fails early; open_blob then only locates and
// streams (digest-verified) and shares nothing mutable between threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "file_tree.hpp"
#include "image_listing.hpp"
#include "strata/source/open_source.hpp"
#include "temp_file.hpp"

namespace strata {

enum class LayoutKind { kOci, kDockerArchive };

class LayoutImageSource final : public ImageSource {
 public:
  // `spool` keeps a spooled stdin file alive as long as the source.
  static Result<std::unique_ptr<ImageSource>> open(std::unique_ptr<FileTree> tree, LayoutKind kind,
                                                   std::string source, const SourceOptions& options,
                                                   std::shared_ptr<TempFile> spool);

  Result<std::vector<Image>> images() override { return images_; }
  Result<std::unique_ptr<ByteStream>> open_blob(const BlobDescriptor& blob) override;
  std::string describe() const override { return source_; }

 private:
  LayoutImageSource() = default;

  std::unique_ptr<FileTree> tree_;
  std::string source_;
  std::shared_ptr<TempFile> spool_;
  std::map<std::string, BlobLocation> blobs_;
  std::vector<Image> images_;
};

}  // namespace strata
