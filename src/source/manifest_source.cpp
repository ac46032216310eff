#include <map>

#include "image_selection.hpp"
#include "manifest_walker.hpp"
#include "strata/source/manifest_store.hpp"

namespace strata {

void bind_layers(std::vector<Image>& images, const LayerMaker& make_layer) {
  std::map<std::string, std::shared_ptr<const Layer>> bound;
  for (Image& image : images) {
    for (LayerInfo& layer : image.layers) {
      auto& shared = bound[layer.blob.digest.str()];
      if (!shared) shared = make_layer(layer.blob);
      layer.layer = shared;
    }
  }
}

Result<std::vector<Image>> images_from_root(ManifestStore& store, const RootDocument& root,
                                            const std::string& source, const SourceOptions& options,
                                            const LayerMaker& make_layer) {
  const BlobDescriptor& d = root.descriptor;
  auto doc = parse_json_text(root.text);
  if (!doc) return fail(doc.error().with_context("manifest " + d.digest.str()));
  bool index = is_index_media_type(d.media_type) ||
               (d.media_type.empty() && doc->is_object() && doc->contains("manifests"));
  ManifestWalker walker(store, source);
  Status walked = index ? walker.walk_index(*doc, "index " + d.digest.str(), root.names)
                        : walker.add_manifest(d, root.text, *doc, root.names);
  if (!walked) return fail(walked.error().with_context(source));
  ImageListing listing = walker.take();
  if (listing.images.empty()) return fail(source + ": holds no images");
  auto images = select_images(std::move(listing.images), options, source);
  if (!images) return fail(images.error());
  bind_layers(*images, make_layer);
  return images;
}

bool is_foreign_layer_type(const std::string& media_type) {
  return media_type == "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" ||
         media_type.starts_with("application/vnd.oci.image.layer.nondistributable.");
}

}  // namespace strata
