#include "layout_image_source.hpp"

#include <map>

#include "docker_archive_reader.hpp"
#include "image_listing.hpp"
#include "image_selection.hpp"
#include "oci_layout_reader.hpp"

namespace strata {
namespace {

// A layer stored as a file of the layout (blobs/sha256/<hex>, or <id>/layer.tar).
class TreeLayer final : public Layer {
 public:
  TreeLayer(BlobDescriptor blob, std::shared_ptr<const FileTree> tree, BlobLocation location,
            std::shared_ptr<TempFile> spool)
      : Layer(std::move(blob)),
        tree_(std::move(tree)),
        location_(std::move(location)),
        spool_(std::move(spool)) {}

  Result<std::unique_ptr<ByteStream>> compressed() const override {
    const BlobDescriptor& blob = descriptor();
    if (blob.digest.empty()) return fail("blob without a digest");
    auto range = tree_->locate(location_.name);
    if (!range) {
      return fail("missing blob " + blob.digest.str() +
                  (location_.context.empty() ? "" : " (" + location_.context + ")"));
    }
    auto raw = open_range(*range);
    if (!raw) return fail(raw.error().with_context(blob.digest.str()));
    return std::unique_ptr<ByteStream>(
        std::make_unique<VerifyingStream>(std::move(*raw), blob.digest, "blob", blob.size));
  }

 private:
  std::shared_ptr<const FileTree> tree_;
  BlobLocation location_;
  std::shared_ptr<TempFile> spool_;
};

// Gives every layer of the images a TreeLayer; a layer shared by several images is one object.
void bind_layers(std::vector<Image>& images, const std::shared_ptr<const FileTree>& tree,
                 const std::map<std::string, BlobLocation>& blobs,
                 const std::shared_ptr<TempFile>& spool) {
  std::map<std::string, std::shared_ptr<const Layer>> bound;
  for (Image& image : images) {
    for (LayerInfo& layer : image.layers) {
      std::string key = layer.blob.digest.str();
      auto& shared = bound[key];
      if (!shared) {
        BlobLocation location{oci_blob_name(layer.blob.digest), ""};
        if (auto it = blobs.find(key); it != blobs.end()) location = it->second;
        shared = std::make_shared<TreeLayer>(layer.blob, tree, location, spool);
      }
      layer.layer = shared;
    }
  }
}

}  // namespace

Result<std::unique_ptr<ImageSource>> LayoutImageSource::open(std::unique_ptr<FileTree> tree,
                                                             LayoutKind kind, std::string source,
                                                             const SourceOptions& options,
                                                             std::shared_ptr<TempFile> spool) {
  auto listing = kind == LayoutKind::kOci ? read_oci_layout(*tree, source)
                                          : read_docker_archive(*tree, source);
  if (!listing) return fail(listing.error().with_context(source));
  if (listing->images.empty()) return fail(source + ": holds no images");
  auto images = select_images(std::move(listing->images), options, source);
  if (!images) return fail(images.error());

  std::unique_ptr<LayoutImageSource> src(new LayoutImageSource());
  src->source_ = std::move(source);
  src->images_ = std::move(*images);
  bind_layers(src->images_, std::shared_ptr<const FileTree>(std::move(tree)), listing->blobs,
              spool);
  return std::unique_ptr<ImageSource>(std::move(src));
}

}  // namespace strata
