// Incremental sweeps: the images the store already holds for a manifest (Store::stored_images)
// and an unchanged image seen again (Store::mark_image_seen), without its blobs.
#include "sql_session.hpp"
#include "store_support.hpp"
#include "strata/store/store.hpp"

namespace strata {

Result<std::vector<StoredImage>> Store::stored_images(const std::string& registry,
                                                      const std::string& repository,
                                                      const std::string& manifest_digest) {
  std::vector<StoredImage> images;
  std::string what = "find stored images of " + registry + "/" + repository + "@" + manifest_digest;
  auto listed = sql_->run(
      "SELECT i.id, i.platform, i.config_digest, i.created FROM images i "
      "JOIN manifests m ON m.id = i.manifest_id JOIN repositories r ON r.id = m.repository_id "
      "JOIN registries g ON g.id = r.registry_id "
      "WHERE g.name = ? AND r.name = ? AND m.digest = ? ORDER BY i.platform",
      {registry, repository, manifest_digest}, [&](const SqlStatement& row) {
        StoredImage image;
        image.id = row.column_int(0);
        image.image = ImageRecord{.registry = registry,
                                  .repository = repository,
                                  .manifest_digest = manifest_digest,
                                  .platform = row.column_text(1),
                                  .config_digest = row.column_text(2),
                                  .created = row.column_text(3)};
        image.reference = registry + "/" + repository + "@" + manifest_digest;
        images.push_back(std::move(image));
      });
  if (!listed) return fail(error(what, listed.error()));
  for (StoredImage& image : images) {
    auto layers = sql_->run(
        "SELECT digest FROM image_layers WHERE image_id = ? ORDER BY layer_position", {image.id},
        [&](const SqlStatement& row) { image.image.layer_digests.push_back(row.column_text(0)); });
    if (!layers) return fail(error(what, layers.error()));
  }
  return images;
}

Result<int64_t> Store::mark_image_seen(int64_t image_id, int64_t sweep_id) {
  std::string what = "mark image " + std::to_string(image_id) + " seen";
  auto moved = sql_->run(
      "UPDATE image_findings SET last_seen = ?, last_seen_sweep = ? "
      "WHERE image_id = ? AND last_seen_sweep < ?",
      {now_seconds(), sweep_id, image_id, sweep_id});
  if (!moved) return fail(error(what, moved.error()));
  auto count = sql_->single_int(
      "SELECT COUNT(DISTINCT finding_id) FROM image_findings WHERE image_id = ?", {image_id});
  if (!count) return fail(error(what, count.error()));
  return count->value_or(0);
}

}  // namespace strata
