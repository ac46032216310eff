#include "single_layer_source.hpp"

#include <sys/stat.h>

namespace strata {
namespace {

Image one_layer_image(const std::string& source, std::shared_ptr<const Layer> content) {
  Image img;
  img.source = source;
  img.reference = source;
  LayerInfo layer;
  layer.index = 0;
  layer.blob = content->descriptor();
  layer.layer = std::move(content);
  img.layers.push_back(std::move(layer));
  return img;
}

// One image and nothing to open but its layer.
class OneImageSource final : public ImageSource {
 public:
  OneImageSource(std::string source, Image image)
      : source_(std::move(source)), image_(std::move(image)) {}

  Result<std::vector<Image>> images() override { return std::vector<Image>{image_}; }
  std::string describe() const override { return source_; }

 private:
  std::string source_;
  Image image_;
};

class RootfsTarLayer final : public Layer {
 public:
  RootfsTarLayer(BlobDescriptor blob, std::string path, std::shared_ptr<TempFile> spool)
      : Layer(std::move(blob)), path_(std::move(path)), spool_(std::move(spool)) {}

  Result<std::unique_ptr<ByteStream>> compressed() const override {
    auto raw = open_file_stream(path_);
    if (!raw) return fail(raw.error());
    return std::unique_ptr<ByteStream>(std::make_unique<VerifyingStream>(
        std::move(*raw), descriptor().digest, "blob", descriptor().size));
  }

 private:
  std::string path_;
  std::shared_ptr<TempFile> spool_;
};

// An unpacked root filesystem: no blob, no digest (hashing a tree would mean reading it twice);
// its files are walked where they are.
class DirectoryLayer final : public Layer {
 public:
  DirectoryLayer(std::string root, std::string source)
      : Layer(BlobDescriptor{}), root_(std::move(root)), source_(std::move(source)) {}

  Result<std::unique_ptr<ByteStream>> compressed() const override {
    return fail(source_ + ": an unpacked directory has no layer blob; its files are walked");
  }
  std::optional<std::string> unpacked_root() const override { return root_; }

 private:
  std::string root_;
  std::string source_;
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
  Image img = one_layer_image(source, std::make_shared<RootfsTarLayer>(blob, path, spool));
  // An uncompressed tar is its own diff.
  if (media_type == kRootfsTarMediaType) img.layers.front().diff_id = blob.digest;
  return std::unique_ptr<ImageSource>(
      std::make_unique<OneImageSource>(std::move(source), std::move(img)));
}

std::unique_ptr<ImageSource> open_directory(const std::string& path, std::string source) {
  Image img = one_layer_image(source, std::make_shared<DirectoryLayer>(path, source));
  return std::make_unique<OneImageSource>(std::move(source), std::move(img));
}

}  // namespace strata
