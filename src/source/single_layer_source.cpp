#include "single_layer_source.hpp"

#include <sys/stat.h>

namespace strata {
namespace {

Image one_layer_image(const std::string& source, BlobDescriptor blob) {
  Image img;
  img.source = source;
  img.reference = source;
  LayerInfo layer;
  layer.index = 0;
  layer.blob = std::move(blob);
  img.layers.push_back(std::move(layer));
  return img;
}

class RootfsTarSource final : public ImageSource {
 public:
  RootfsTarSource(std::string path, std::string source, Image image,
                  std::shared_ptr<TempFile> spool)
      : path_(std::move(path)),
        source_(std::move(source)),
        image_(std::move(image)),
        spool_(std::move(spool)) {}

  Result<std::vector<Image>> images() override { return std::vector<Image>{image_}; }

  Result<std::unique_ptr<ByteStream>> open_blob(const BlobDescriptor& blob) override {
    const BlobDescriptor& mine = image_.layers.front().blob;
    if (blob.digest != mine.digest) return fail("missing blob " + blob.digest.str());
    auto raw = open_file_stream(path_);
    if (!raw) return fail(raw.error());
    return std::unique_ptr<ByteStream>(
        std::make_unique<VerifyingStream>(std::move(*raw), mine.digest, "blob", mine.size));
  }

  std::string describe() const override { return source_; }

 private:
  std::string path_;
  std::string source_;
  Image image_;
  std::shared_ptr<TempFile> spool_;
};

class DirectorySource final : public ImageSource {
 public:
  DirectorySource(std::string source, Image image)
      : source_(std::move(source)), image_(std::move(image)) {}

  Result<std::vector<Image>> images() override { return std::vector<Image>{image_}; }

  Result<std::unique_ptr<ByteStream>> open_blob(const BlobDescriptor&) override {
    return fail(source_ + ": a directory has no layer blob; walk its path instead");
  }

  std::string describe() const override { return source_; }

 private:
  std::string source_;
  Image image_;
};

}  // namespace

Result<std::unique_ptr<ImageSource>> open_rootfs_tar(const std::string& path, std::string source,
                                                     const std::string& media_type,
                                                     std::shared_ptr<TempFile> spool) {
  auto stream = open_file_stream(path);
  if (!stream) return fail(stream.error().with_context(source));
  Sha256 hasher;
  int64_t size = 0;
  std::string buf(1 << 16, '\0');
  for (;;) {
    auto n = (*stream)->read(buf.data(), buf.size());
    if (!n) return fail(n.error().with_context(source));
    if (*n == 0) break;
    hasher.update(buf.data(), *n);
    size += static_cast<int64_t>(*n);
  }
  BlobDescriptor blob;
  blob.media_type = media_type;
  blob.digest = hasher.finish();
  blob.digest_recorded = false;  // hashed here: it names the file, it cannot vouch for it
  blob.size = size;
  Image img = one_layer_image(source, blob);
  // An uncompressed tar is its own diff.
  if (media_type == kRootfsTarMediaType) img.layers.front().diff_id = blob.digest;
  return std::unique_ptr<ImageSource>(
      std::make_unique<RootfsTarSource>(path, std::move(source), std::move(img), std::move(spool)));
}

std::unique_ptr<ImageSource> open_directory(const std::string& path, std::string source) {
  BlobDescriptor blob;
  blob.media_type = kDirectoryLayerMediaType;
  blob.annotations["path"] = path;
  Image img = one_layer_image(source, std::move(blob));
  return std::make_unique<DirectorySource>(std::move(source), std::move(img));
}

}  // namespace strata
