#include "registry_source.hpp"

#include <nlohmann/json.hpp>

#include "registry_repository.hpp"
#include "strata/source/manifest_store.hpp"

namespace strata {
namespace {

// Manifests and configs come from the registry by digest, checked like a layout's blobs.
class RegistryStore final : public ManifestStore {
 public:
  explicit RegistryStore(const RegistryRepository& repo) : repo_(repo) {}
  Result<std::string> read_json(const BlobDescriptor& d, const std::string& what) override {
    auto fetched = what == "config" ? repo_.fetch_blob(d) : repo_.fetch_manifest(d.digest.str());
    if (!fetched) return fail(fetched.error());
    if (fetched->digest != d.digest) {
      return fail(what + " " + d.digest.str() + ": digest mismatch (got " + fetched->digest.str() +
                  ")");
    }
    if (d.size >= 0 && static_cast<int64_t>(fetched->text.size()) != d.size) {
      return fail(what + " " + d.digest.str() + ": " + std::to_string(fetched->text.size()) +
                  " bytes, the descriptor says " + std::to_string(d.size));
    }
    return std::move(fetched->text);
  }

 private:
  const RegistryRepository& repo_;
};

// A layer blob streamed from the registry as the scan reads it.
class RegistryLayer final : public Layer {
 public:
  RegistryLayer(BlobDescriptor blob, std::shared_ptr<const RegistryRepository> repo)
      : Layer(std::move(blob)), repo_(std::move(repo)) {}

  std::optional<std::string> not_served() const override {
    if (!is_foreign_layer_type(descriptor().media_type)) return std::nullopt;
    return "foreign layer (" + descriptor().media_type +
           "): its image says it is served from elsewhere; not fetched";
  }

  Result<std::unique_ptr<ByteStream>> compressed() const override {
    const BlobDescriptor& blob = descriptor();
    auto body = repo_->open_blob(blob.digest);
    if (!body) return fail(body.error());
    return std::unique_ptr<ByteStream>(
        std::make_unique<VerifyingStream>(std::move(*body), blob.digest, "blob", blob.size));
  }

 private:
  std::shared_ptr<const RegistryRepository> repo_;
};

class RegistrySource final : public ImageSource {
 public:
  RegistrySource(std::string describe, std::vector<Image> images)
      : describe_(std::move(describe)), images_(std::move(images)) {}
  Result<std::vector<Image>> images() override { return images_; }
  std::string describe() const override { return describe_; }

 private:
  std::string describe_;
  std::vector<Image> images_;
};

// The reference's own manifest or index, with the media type its answer declares.
Result<RootDocument> fetch_root(const RegistryRepository& repo, const ImageReference& ref) {
  auto fetched = repo.fetch_manifest(ref.manifest_selector());
  if (!fetched) return fail(fetched.error());
  if (ref.digest && fetched->digest != *ref.digest) {
    return fail("manifest " + ref.digest->str() + ": the registry's answer hashes to " +
                fetched->digest.str());
  }
  RootDocument root;
  root.descriptor.media_type = fetched->media_type;
  root.descriptor.digest = fetched->digest;
  root.descriptor.size = static_cast<int64_t>(fetched->text.size());
  root.text = std::move(fetched->text);
  root.names.push_back(ref.str());
  return root;
}

}  // namespace

Result<Digest> resolve_registry_manifest(const ImageReference& ref, const RemoteOptions& options) {
  auto repo = RegistryRepository::connect(ref, options);
  if (!repo) return fail(repo.error().with_context(ref.str()));
  auto root = fetch_root(**repo, ref);
  if (!root) return fail(root.error().with_context(ref.str()));
  return root->descriptor.digest;
}

Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageReference& ref,
                                                          const RemoteOptions& options) {
  auto repo = RegistryRepository::connect(ref, options);
  if (!repo) return fail(repo.error().with_context(ref.str()));
  auto root = fetch_root(**repo, ref);
  if (!root) return fail(root.error().with_context(ref.str()));
  RegistryStore store(**repo);
  std::shared_ptr<const RegistryRepository> shared = std::move(*repo);
  auto images = images_from_root(
      store, *root, ref.str(), options.source,
      [&](const BlobDescriptor& blob) { return std::make_shared<RegistryLayer>(blob, shared); });
  if (!images) return fail(images.error());
  // Every report names the manifest actually scanned, also when the user gave a tag.
  for (Image& image : *images) image.reference = ref.pinned(image.manifest_digest);
  return std::unique_ptr<ImageSource>(
      std::make_unique<RegistrySource>(ref.str(), std::move(*images)));
}

}  // namespace strata
