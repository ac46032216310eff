#include "docker_archive_reader.hpp"

#include <algorithm>
#include <set>

#include "oci_layout_reader.hpp"
#include "strata/core/limits.hpp"
#include "strata/image/image_config.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

constexpr const char* kUncompressedLayerType = "application/vnd.docker.image.rootfs.diff.tar";

// "blobs/sha256/<hex>" or "<hex>.json" (legacy config names) -> the digest the name promises.
std::optional<Digest> digest_from_name(const std::string& name) {
  if (name.starts_with("blobs/")) {
    std::string rest = name.substr(6);
    auto slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    auto d = Digest::parse(rest.substr(0, slash) + ":" + rest.substr(slash + 1));
    return d ? std::optional<Digest>(*d) : std::nullopt;
  }
  auto slash = name.rfind('/');
  std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  if (base.ends_with(".json")) {
    auto d = Digest::parse("sha256:" + base.substr(0, base.size() - 5));
    if (d) return *d;
  }
  return std::nullopt;
}

std::string dirname_of(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? std::string() : name.substr(0, slash);
}

std::vector<std::string> string_array(const json& entry, const char* key) {
  std::vector<std::string> out;
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<Digest> layer_digests(const Image& img) {
  std::vector<Digest> out;
  for (const auto& l : img.layers) out.push_back(l.blob.digest);
  return out;
}

class DockerArchiveReader {
 public:
  DockerArchiveReader(const FileTree& tree, std::string source)
      : tree_(tree), source_(std::move(source)) {}

  Result<ImageListing> read() {
    auto text = read_tree_file(tree_, "manifest.json", ScanLimits{}.max_json_bytes);
    if (!text) return fail(text.error());
    auto manifest = parse_json_text(*text);
    if (!manifest) return fail(manifest.error().with_context("manifest.json"));
    if (!manifest->is_array()) return fail("manifest.json: not an array of images");

    // Docker 25+: the OCI view, when present and readable, adds what manifest.json lacks.
    std::optional<ImageListing> oci;
    if (tree_.locate("index.json") && tree_.locate("oci-layout")) {
      // Docker writes both views from the same blobs: a broken one means a damaged archive.
      auto r = read_oci_layout(tree_, source_);
      if (!r) return fail(r.error().with_context("index.json (the archive's OCI view)"));
      oci = std::move(*r);
    }

    for (size_t i = 0; i < manifest->size(); ++i) {
      auto s = add_image((*manifest)[i], oci ? &*oci : nullptr);
      if (!s) return fail(s.error().with_context("manifest.json[" + std::to_string(i) + "]"));
    }
    if (oci) add_attestations(*oci);
    return std::move(listing_);
  }

 private:
  Status add_image(const json& entry, const ImageListing* oci) {
    if (!entry.is_object()) return fail("not an object");
    auto config_it = entry.find("Config");
    if (config_it == entry.end() || !config_it->is_string()) return fail("no Config");
    const std::string config_name = config_it->get<std::string>();

    ListedImage listed;
    Image& img = listed.image;
    img.source = source_;
    listed.names = string_array(entry, "RepoTags");

    auto config_text = read_tree_file(tree_, config_name, ScanLimits{}.max_json_bytes);
    if (!config_text) return fail(config_text.error().with_context("config"));
    img.config_digest = sha256_of(*config_text);
    if (auto promised = digest_from_name(config_name); promised && *promised != img.config_digest) {
      return fail("config " + config_name + ": digest mismatch (got " + img.config_digest.str() +
                  ")");
    }
    img.reference = listed.names.empty() ? img.config_digest.str() : listed.names.front();
    auto cfg = parse_image_config(*config_text);
    if (!cfg) return fail(cfg.error().with_context("config " + config_name));
    img.platform = cfg->platform;

    auto layers_it = entry.find("Layers");
    if (layers_it == entry.end() || !layers_it->is_array()) return fail("no Layers array");
    const std::vector<std::string> layer_names = string_array(entry, "Layers");
    if (layer_names.size() != layers_it->size()) return fail("Layers: not all strings");
    if (layer_names.size() != cfg->diff_ids.size()) {
      return fail("lists " + std::to_string(layer_names.size()) + " layers but the config has " +
                  std::to_string(cfg->diff_ids.size()) + " diff_ids");
    }
    for (size_t i = 0; i < layer_names.size(); ++i) {
      const std::string& name = layer_names[i];
      LayerInfo layer;
      layer.index = static_cast<int>(i);
      if (i < cfg->diff_ids.size()) layer.diff_id = cfg->diff_ids[i];
      auto from_name = name.starts_with("blobs/") ? digest_from_name(name) : std::nullopt;
      if (from_name) {
        layer.blob.digest = *from_name;
      } else if (layer.diff_id) {
        layer.blob.digest = *layer.diff_id;  // legacy layer.tar: uncompressed, so sha256 = diff_id
      } else {
        return fail("layer " + std::to_string(i + 1) + " (" + name + "): the config has only " +
                    std::to_string(cfg->diff_ids.size()) + " diff_ids for " +
                    std::to_string(layer_names.size()) + " layers");
      }
      layer.blob.media_type = kUncompressedLayerType;
      if (auto range = tree_.locate(name)) layer.blob.size = range->size;
      listing_.blobs.try_emplace(
          layer.blob.digest.str(),
          BlobLocation{name, "layer " + std::to_string(i + 1) + " of " + img.reference});
      img.layers.push_back(std::move(layer));
    }
    img.history = cfg->history;
    img.history_mapped = map_history_to_layers(img.history, img.layers);
    img.config_strings = std::move(cfg->strings);
    add_legacy_json_strings(layer_names, img.config_strings);

    if (oci) merge_oci_view(*oci, listed);
    listing_.images.push_back(std::move(listed));
    return {};
  }

  // Legacy <id>/json documents carry a copy of the config (Env, Cmd…) for the top layer.
  void add_legacy_json_strings(const std::vector<std::string>& layer_names,
                               std::vector<ConfigString>& out) {
    for (const auto& name : layer_names) {
      std::string id = dirname_of(name);
      if (id.empty() || id.starts_with("blobs")) continue;
      auto text = read_tree_file(tree_, id + "/json", ScanLimits{}.max_json_bytes);
      if (!text) continue;  // optional metadata
      auto strings = collect_json_strings(*text, "legacy-json " + id);
      if (!strings) continue;
      for (auto& s : *strings) out.push_back(std::move(s));
    }
  }

  // The OCI image with the same config and layers: take its manifest digest, descriptors
  // (media types, annotations), platform and manifest/index strings; keep manifest.json's names.
  void merge_oci_view(const ImageListing& oci, ListedImage& listed) {
    for (const ListedImage& o : oci.images) {
      if (o.image.is_attestation || o.image.config_digest != listed.image.config_digest) continue;
      if (layer_digests(o.image) != layer_digests(listed.image)) continue;
      Image merged = o.image;
      merged.reference = listed.image.reference;
      for (size_t i = 0; i < merged.layers.size(); ++i) {
        merged.layers[i].diff_id = listed.image.layers[i].diff_id;
        if (merged.layers[i].blob.size < 0)
          merged.layers[i].blob.size = listed.image.layers[i].blob.size;
      }
      for (const auto& n : o.names) {
        if (std::find(listed.names.begin(), listed.names.end(), n) == listed.names.end()) {
          listed.names.push_back(n);
        }
      }
      listed.image = std::move(merged);
      return;
    }
  }

  void add_attestations(const ImageListing& oci) {
    std::set<std::string> manifests;
    for (const auto& l : listing_.images) {
      if (!l.image.manifest_digest.empty()) manifests.insert(l.image.manifest_digest.str());
    }
    for (const ListedImage& o : oci.images) {
      if (!o.image.is_attestation || !o.describes) continue;
      if (!manifests.contains(o.describes->str())) continue;
      for (const auto& layer : o.image.layers) {
        listing_.blobs.try_emplace(layer.blob.digest.str(),
                                   BlobLocation{oci_blob_name(layer.blob.digest),
                                                "attestation layer of " + o.image.reference});
      }
      listing_.images.push_back(o);
    }
  }

  const FileTree& tree_;
  std::string source_;
  ImageListing listing_;
};

}  // namespace

Result<ImageListing> read_docker_archive(const FileTree& tree, const std::string& source) {
  try {
    return DockerArchiveReader(tree, source).read();
  } catch (const nlohmann::json::exception& e) {
    return fail(std::string("unexpected JSON shape: ") + e.what());
  }
}

}  // namespace strata
