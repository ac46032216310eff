// Store::record_image: the registry → repository → manifest → image chain, tags and layers.
#include "image_rows.hpp"
#include "sql_session.hpp"
#include "strata/store/store.hpp"

namespace strata {
namespace {

Result<int64_t> registry_id(SqlSession& sql, const std::string& name) {
  return sql.find_or_insert("SELECT id FROM registries WHERE name = ?", {name},
                            "INSERT INTO registries (name) VALUES (?) ON CONFLICT DO NOTHING",
                            {name});
}

Result<int64_t> repository_id(SqlSession& sql, int64_t registry, const std::string& name) {
  return sql.find_or_insert(
      "SELECT id FROM repositories WHERE registry_id = ? AND name = ?", {registry, name},
      "INSERT INTO repositories (registry_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
      {registry, name});
}

Result<int64_t> manifest_id(SqlSession& sql, int64_t repository, const std::string& digest) {
  return sql.find_or_insert(
      "SELECT id FROM manifests WHERE repository_id = ? AND digest = ?", {repository, digest},
      "INSERT INTO manifests (repository_id, digest) VALUES (?, ?) ON CONFLICT DO NOTHING",
      {repository, digest});
}

Result<int64_t> image_id(SqlSession& sql, int64_t manifest, const ImageRecord& image) {
  return sql.find_or_insert(
      "SELECT id FROM images WHERE manifest_id = ? AND platform = ?", {manifest, image.platform},
      "INSERT INTO images (manifest_id, platform, config_digest, created) VALUES (?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {manifest, image.platform, image.config_digest, image.created});
}

Status record_tag(SqlSession& sql, int64_t repository, const std::string& tag, int64_t manifest) {
  // A tag moves: it names the manifest it was last seen pointing at.
  return sql.run(
      "INSERT INTO tags (repository_id, name, manifest_id) VALUES (?, ?, ?) "
      "ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = excluded.manifest_id",
      {repository, tag, manifest});
}

Status record_layers(SqlSession& sql, int64_t image, const std::vector<std::string>& digests) {
  for (size_t i = 0; i < digests.size(); ++i) {
    auto done = sql.run(
        "INSERT INTO image_layers (image_id, layer_position, digest) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        {image, static_cast<int64_t>(i), digests[i]});
    if (!done) return done;
  }
  return {};
}

}  // namespace

Result<int64_t> record_image_rows(SqlSession& sql, const ImageRecord& image) {
  auto registry = registry_id(sql, image.registry);
  if (!registry) return registry;
  auto repository = repository_id(sql, *registry, image.repository);
  if (!repository) return repository;
  auto manifest = manifest_id(sql, *repository, image.manifest_digest);
  if (!manifest) return manifest;
  if (!image.tag.empty()) {
    if (auto tagged = record_tag(sql, *repository, image.tag, *manifest); !tagged) {
      return fail(tagged.error());
    }
  }
  auto id = image_id(sql, *manifest, image);
  if (!id) return id;
  if (auto layers = record_layers(sql, *id, image.layer_digests); !layers) {
    return fail(layers.error());
  }
  return *id;
}

// An image without findings: record_image_with_findings writes none then (sweep unused).
Result<int64_t> Store::record_image(const ImageRecord& image) {
  return record_image_with_findings(image, 0, {});
}

}  // namespace strata
