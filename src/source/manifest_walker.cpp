#include "manifest_walker.hpp"

#include <algorithm>
#include <map>

#include "strata/core/limits.hpp"
#include "strata/image/image_config.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

constexpr int kMaxIndexDepth = 4;
constexpr const char* kRefNameKey = "org.opencontainers.image.ref.name";
constexpr const char* kContainerdNameKey = "io.containerd.image.name";

std::string string_or(const json& j, const char* key, std::string fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<BlobDescriptor> parse_descriptor_json(const json& j) {
  if (!j.is_object()) return fail("descriptor is not an object");
  BlobDescriptor d;
  d.media_type = string_or(j, "mediaType");
  auto digest = Digest::parse(string_or(j, "digest"));
  if (!digest) return fail(digest.error().with_context("descriptor"));
  d.digest = *digest;
  // The size is checked against the blob like the digest, so it must be one (the spec requires
  // it): a missing, negative or out-of-range size would silently turn the check off.
  auto size = j.find("size");
  if (size == j.end()) return fail("descriptor " + d.digest.str() + ": no size");
  bool valid = size->is_number_unsigned() ? size->get<uint64_t>() <= INT64_MAX
                                          : size->is_number_integer() && size->get<int64_t>() >= 0;
  if (!valid) {
    return fail("descriptor " + d.digest.str() + ": size " + size->dump() +
                " is not a length in bytes");
  }
  d.size = size->get<int64_t>();
  if (auto it = j.find("annotations"); it != j.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
    }
  }
  if (auto it = j.find("platform"); it != j.end() && it->is_object()) {
    d.platform =
        Platform{string_or(*it, "os"), string_or(*it, "architecture"), string_or(*it, "variant")};
  }
  return d;
}

// What an index entry passes down to the manifests under it.
struct EntryContext {
  std::vector<std::string> names;
  std::vector<ConfigString> annotations;
};

// Wrong JSON types deep in a document throw; name the problem without echoing values.
template <class F>
Status json_guarded(F&& walk) {
  try {
    return walk();
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("unexpected JSON shape: ") + e.what());
  }
}

}  // namespace

class ManifestWalker::Impl {
 public:
  Impl(ManifestStore& store, std::string source) : store_(store), source_(std::move(source)) {}

  Status walk_index(const json& index, int depth, const EntryContext& parent,
                    const std::string& where) {
    if (depth > kMaxIndexDepth) {
      return fail(where + ": indexes nested deeper than " + std::to_string(kMaxIndexDepth));
    }
    if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
      return fail(where + ": not an image index (no manifests array)");
    }
    const json& entries = index["manifests"];
    for (size_t i = 0; i < entries.size(); ++i) {
      std::string entry_where = where + " manifests[" + std::to_string(i) + "]";
      auto desc = parse_descriptor_json(entries[i]);
      if (!desc) return fail(desc.error().with_context(entry_where));
      EntryContext ctx = context_for(*desc, parent);

      bool index_type = is_index_media_type(desc->media_type);
      bool manifest_type = is_manifest_media_type(desc->media_type);
      if (!index_type && !manifest_type && !desc->media_type.empty()) continue;  // artifact
      std::string what = index_type ? "index" : "manifest";
      auto text = store_.read_json(*desc, what);
      if (!text) return fail(text.error().with_context(entry_where));
      auto doc = parse_json_text(*text);
      if (!doc) return fail(doc.error().with_context(what + " " + desc->digest.str()));
      if (desc->media_type.empty()) {  // no media type: decide by content
        index_type = doc->is_object() && doc->contains("manifests");
        if (!index_type && !(doc->is_object() && doc->contains("layers"))) continue;
      }
      Status s = index_type ? walk_index(*doc, depth + 1, ctx, "index " + desc->digest.str())
                            : add_manifest(*desc, *text, *doc, ctx);
      if (!s) return s;
    }
    return {};
  }

  ImageListing take() { return std::move(listing_); }

 private:
  static std::string subject_of(const BlobDescriptor& desc) {
    auto it = desc.annotations.find("vnd.docker.reference.digest");
    return it == desc.annotations.end() ? "" : it->second;
  }

  static EntryContext context_for(const BlobDescriptor& desc, const EntryContext& parent) {
    EntryContext ctx;
    for (const char* key : {kContainerdNameKey, kRefNameKey}) {
      auto it = desc.annotations.find(key);
      if (it != desc.annotations.end() && !it->second.empty()) ctx.names.push_back(it->second);
    }
    if (ctx.names.empty()) ctx.names = parent.names;
    ctx.annotations = parent.annotations;
    for (const auto& [k, v] : desc.annotations) {
      ctx.annotations.push_back(ConfigString{"index.annotations." + k, v, std::nullopt});
    }
    return ctx;
  }

  friend class ManifestWalker;
  Status add_manifest(const BlobDescriptor& desc, const std::string& text, const json& manifest,
                      const EntryContext& ctx) {
    const std::string mwhere = "manifest " + desc.digest.str();
    // The same manifest listed again for the same platform and subject (another tag): one
    // image with more names. Entries that say different things stay separate images.
    std::string key = desc.digest.str() + " " + (desc.platform ? desc.platform->str() : "") + " " +
                      subject_of(desc);
    if (auto seen = by_digest_.find(key); seen != by_digest_.end()) {
      // The same manifest under another name: one image, more names.
      auto& names = listing_.images[seen->second].names;
      for (const auto& n : ctx.names) {
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
      return {};
    }
    if (!manifest.is_object() || !manifest.contains("config")) {
      return fail(mwhere + ": not an image manifest (no config)");
    }
    auto config_desc = parse_descriptor_json(manifest["config"]);
    if (!config_desc) return fail(config_desc.error().with_context(mwhere + " config"));

    ListedImage listed;
    Image& img = listed.image;
    img.source = source_;
    img.manifest_digest = desc.digest;
    img.config_digest = config_desc->digest;
    listed.names = ctx.names;
    img.reference = ctx.names.empty() ? desc.digest.str() : ctx.names.front();

    auto annotation = [&](const char* key) -> std::string {
      if (auto it = desc.annotations.find(key); it != desc.annotations.end()) return it->second;
      if (manifest.contains("annotations") && manifest["annotations"].is_object()) {
        return string_or(manifest["annotations"], key);
      }
      return "";
    };
    bool unknown_platform =
        desc.platform && desc.platform->os == "unknown" && desc.platform->architecture == "unknown";
    img.is_attestation =
        annotation("vnd.docker.reference.type") == "attestation-manifest" || unknown_platform;
    if (auto d = Digest::parse(annotation("vnd.docker.reference.digest")); d) listed.describes = *d;

    auto config_text = store_.read_json(*config_desc, "config");
    if (!config_text) return fail(config_text.error().with_context("image " + img.reference));
    auto config = parse_image_config(*config_text);
    if (!config && !img.is_attestation) {
      return fail(config.error().with_context("image " + img.reference + ": config " +
                                              config_desc->digest.str()));
    }
    ImageConfig cfg = config ? std::move(*config) : ImageConfig{};
    img.platform = desc.platform ? *desc.platform : cfg.platform;

    const json empty = json::array();
    const json& layers = manifest.contains("layers") ? manifest["layers"] : empty;
    if (!layers.is_array()) return fail(mwhere + ": layers is not an array");
    for (size_t i = 0; i < layers.size(); ++i) {
      auto blob = parse_descriptor_json(layers[i]);
      if (!blob)
        return fail(blob.error().with_context(mwhere + " layers[" + std::to_string(i) + "]"));
      LayerInfo layer;
      layer.index = static_cast<int>(i);
      layer.blob = std::move(*blob);
      if (i < cfg.diff_ids.size()) layer.diff_id = cfg.diff_ids[i];
      listing_.blobs.try_emplace(
          layer.blob.digest.str(),
          BlobLocation{oci_blob_name(layer.blob.digest),
                       "layer " + std::to_string(i + 1) + " of " + img.reference});
      img.layers.push_back(std::move(layer));
    }
    img.history = std::move(cfg.history);
    img.history_mapped = map_history_to_layers(img.history, img.layers);

    img.config_strings = std::move(cfg.strings);
    auto manifest_strings = collect_json_strings(text, "manifest");
    if (!manifest_strings) return fail(manifest_strings.error().with_context(mwhere));
    for (auto& s : *manifest_strings) img.config_strings.push_back(std::move(s));
    for (const auto& s : ctx.annotations) img.config_strings.push_back(s);

    listing_.blobs.try_emplace(desc.digest.str(), BlobLocation{oci_blob_name(desc.digest),
                                                               "manifest of " + img.reference});
    listing_.blobs.try_emplace(
        img.config_digest.str(),
        BlobLocation{oci_blob_name(img.config_digest), "config of " + img.reference});
    by_digest_[key] = listing_.images.size();
    listing_.images.push_back(std::move(listed));
    return {};
  }

  ManifestStore& store_;
  std::string source_;
  ImageListing listing_;
  std::map<std::string, size_t> by_digest_;  // by digest, platform and subject
};

ManifestWalker::ManifestWalker(ManifestStore& store, std::string source)
    : impl_(std::make_unique<Impl>(store, std::move(source))) {}
ManifestWalker::~ManifestWalker() = default;

Status ManifestWalker::walk_index(const nlohmann::json& index, const std::string& where,
                                  const std::vector<std::string>& names) {
  return json_guarded([&] { return impl_->walk_index(index, 0, EntryContext{names, {}}, where); });
}

Status ManifestWalker::add_manifest(const BlobDescriptor& descriptor, const std::string& text,
                                    const nlohmann::json& manifest,
                                    const std::vector<std::string>& names) {
  return json_guarded([&] {
    return impl_->add_manifest(descriptor, text, manifest, EntryContext{names, {}});
  });
}

ImageListing ManifestWalker::take() { return impl_->take(); }

bool is_index_media_type(const std::string& t) {
  return t == "application/vnd.oci.image.index.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool is_manifest_media_type(const std::string& t) {
  return t == "application/vnd.oci.image.manifest.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.v2+json";
}

}  // namespace strata
