// ManifestStore: where index, manifest and config documents are read from, by descriptor. An
// OCI layout reads them from its blobs/ files, a registry over HTTP; one parser walks both
// (images_from_root), so a registry lists images exactly as a layout on disk does.
//
//   class RegistryStore : public ManifestStore { … };
//   auto images = images_from_root(store, root, "registry.example/app:1", options, make_layer);
//
// Thread safety: a store is used by one thread while images are listed; the layers made by
// make_layer follow the Layer contract (layer.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "strata/image/layer.hpp"
#include "strata/source/open_source.hpp"

namespace strata {

class ManifestStore {
 public:
  virtual ~ManifestStore() = default;
  // The document with this descriptor, checked against its digest and size; `what` ("index",
  // "manifest", "config") names it in errors.
  [[nodiscard]] virtual Result<std::string> read_json(const BlobDescriptor& descriptor,
                                                      const std::string& what) = 0;
};

// The document a reference resolved to: an image manifest or an index (media type set), its
// bytes, and the names it goes by ("registry.example/app:1").
struct RootDocument {
  BlobDescriptor descriptor;
  std::string text;
  std::vector<std::string> names;
};

// The Layer for a layer descriptor; called once per distinct digest.
using LayerMaker = std::function<std::shared_ptr<const Layer>(const BlobDescriptor&)>;

// Every image under `root` (each platform of an index, attestations included), after the
// options' --image / --platform selection, each layer bound through make_layer. Errors name
// the document ("index sha256:… manifests[2]: …").
[[nodiscard]] Result<std::vector<Image>> images_from_root(ManifestStore& store,
                                                          const RootDocument& root,
                                                          const std::string& source,
                                                          const SourceOptions& options,
                                                          const LayerMaker& make_layer);

// Layers whose bytes their image declares to live elsewhere (Windows base layers): registries
// need not serve them, so they are listed as skipped rather than fetched.
bool is_foreign_layer_type(const std::string& media_type);

}  // namespace strata
