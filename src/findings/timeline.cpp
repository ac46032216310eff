#include "strata/findings/timeline.hpp"

namespace strata {

namespace {

// A file inside a nested archive ("app/lib.jar!/x.properties") lives and dies with the archive.
std::string filesystem_path(const std::string& path) {
  auto bang = path.find("!/");
  return bang == std::string::npos ? path : path.substr(0, bang);
}

}  // namespace

Timeline::Timeline(std::vector<const LayerFootprint*> layers) : layers_(std::move(layers)) {}

Fate Timeline::fate_of(int layer, const std::string& raw_path) const {
  const std::string path = filesystem_path(raw_path);
  if (layer < 0 || layer >= static_cast<int>(layers_.size())) return Fate{FateKind::kPresent, {}};

  const LayerEntry* origin_entry = layers_[layer]->entry(path);
  if (!origin_entry) return Fate{FateKind::kPresent, {}};
  const LayerEntry written = *origin_entry;
  auto same_content = [&](const LayerEntry& e) {
    return e.type == written.type && e.size == written.size &&
           e.content_hash == written.content_hash;
  };

  const std::vector<uint64_t> parents = ancestor_keys(path);  // of the directories above it
  std::optional<Fate> first_change;
  bool holds_original = true;
  auto record = [&](FateKind kind, int j) {
    holds_original = false;
    if (!first_change) first_change = Fate{kind, j};
  };

  for (int j = layer + 1; j < static_cast<int>(layers_.size()); ++j) {
    const LayerFootprint& later = *layers_[j];
    // Whiteouts and opaque markers act on the lower layers, before this layer's own entries.
    bool deleted = later.whiteout(path);
    bool hidden = false;
    for (uint64_t dir : parents) {
      deleted = deleted || later.whiteout_at(dir);
      hidden = hidden || later.opaque_at(dir);
    }
    if (deleted) {
      record(FateKind::kDeleted, j);
    } else if (hidden) {
      record(FateKind::kHiddenByOpaque, j);
    }
    // A parent replaced by a file or symlink takes the path away.
    for (uint64_t dir : parents) {
      const LayerEntry* e = later.entry_at(dir);
      if (e && e->type != EntryType::kDirectory) record(FateKind::kOverwritten, j);
    }
    if (const LayerEntry* e = later.entry(path)) {
      if (same_content(*e)) {
        // Rewritten with identical bytes: the secret is there again, whatever happened before.
        holds_original = true;
        first_change.reset();
      } else {
        record(FateKind::kOverwritten, j);
      }
    }
  }
  if (holds_original || !first_change) return Fate{FateKind::kPresent, {}};
  return *first_change;
}

}  // namespace strata
