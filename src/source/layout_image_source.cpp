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

  // A foreign layer the layout does not hold is not an error: its image says it lives elsewhere.
  std::optional<std::string> not_served() const override {
    if (!is_foreign_layer_type(descriptor().media_type) || tree_->locate(location_.name)) {
      return std::nullopt;
    }
    return "foreign layer (" + descriptor().media_type + ") not in the layout";
  }

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
  std::shared_ptr<const FileTree> shared_tree(std::move(tree));
  bind_layers(src->images_, [&](const BlobDescriptor& blob) {
    BlobLocation location{oci_blob_name(blob.digest), ""};
    if (auto it = listing->blobs.find(blob.digest.str()); it != listing->blobs.end()) {
      location = it->second;
    }
    return std::make_shared<TreeLayer>(blob, shared_tree, location, spool);
  });
  return std::unique_ptr<ImageSource>(std::move(src));
}

}  // namespace strata
