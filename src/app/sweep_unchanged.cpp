#include "sweep_unchanged.hpp"

#include <set>

#include "strata/remote/image_reference.hpp"

namespace strata::app {
namespace {

// Every layer of every image has a stored scan under this rule set (a failed layer has none).
Result<bool> all_layers_scanned(Store& store, const std::vector<StoredImage>& images,
                                const std::string& rules_hash) {
  for (const StoredImage& image : images) {
    for (const std::string& digest : image.image.layer_digests) {
      auto scan = store.find_layer_scan(digest, rules_hash);
      if (!scan) return fail(scan.error());
      if (!*scan) return false;
    }
  }
  return true;
}

}  // namespace

Result<bool> record_if_unchanged(const std::string& ref, const RemoteOptions& remote, Store& store,
                                 int64_t sweep_id, const std::string& rules_hash,
                                 SweepCounts& counts) {
  auto parsed = ImageReference::parse(ref.starts_with("docker://") ? ref.substr(9) : ref);
  if (!parsed || !is_image_reference(ref)) return false;
  auto digest = resolve_manifest_digest(ref, remote);
  if (!digest) return fail(digest.error());
  auto images = store.stored_images(parsed->registry, parsed->repository, digest->str());
  if (!images) return fail(images.error());
  if (images->empty()) return false;
  auto scanned = all_layers_scanned(store, *images, rules_hash);
  if (!scanned || !*scanned) return scanned;
  std::set<std::string> layers;
  for (StoredImage& image : *images) {
    image.image.tag = parsed->digest ? "" : parsed->tag;
    if (auto id = store.record_image(image.image); !id) return fail(id.error());
    auto findings = store.mark_image_seen(image.id, sweep_id);
    if (!findings) return fail(findings.error());
    counts.images += 1;
    counts.findings += *findings;
    layers.insert(image.image.layer_digests.begin(), image.image.layer_digests.end());
  }
  counts.layers += static_cast<int64_t>(layers.size());
  return true;
}

}  // namespace strata::app
