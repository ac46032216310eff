#include "layout_image_source.hpp"

#include "docker_archive_reader.hpp"
#include "image_selection.hpp"
#include "oci_layout_reader.hpp"

namespace strata {

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
  src->tree_ = std::move(tree);
  src->source_ = std::move(source);
  src->spool_ = std::move(spool);
  src->blobs_ = std::move(listing->blobs);
  src->images_ = std::move(*images);
  return std::unique_ptr<ImageSource>(std::move(src));
}

Result<std::unique_ptr<ByteStream>> LayoutImageSource::open_blob(const BlobDescriptor& blob) {
  if (blob.media_type == kDirectoryLayerMediaType) {
    return fail("a directory pseudo-layer has no blob: walk its path instead");
  }
  if (blob.digest.empty()) return fail("blob without a digest");
  std::string name = oci_blob_name(blob.digest);
  std::string context;
  if (auto it = blobs_.find(blob.digest.str()); it != blobs_.end()) {
    name = it->second.name;
    context = it->second.context;
  }
  auto range = tree_->locate(name);
  if (!range) {
    return fail("missing blob " + blob.digest.str() +
                (context.empty() ? "" : " (" + context + ")"));
  }
  auto raw = open_range(*range);
  if (!raw) return fail(raw.error().with_context(blob.digest.str()));
  return std::unique_ptr<ByteStream>(
      std::make_unique<VerifyingStream>(std::move(*raw), blob.digest, "blob", blob.size));
}

}  // namespace strata
