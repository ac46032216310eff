#include "support/image_writer.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>
#include <utility>

#include "strata/core/digest.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using json = nlohmann::json;

constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";
constexpr const char* kConfigType = "application/vnd.oci.image.config.v1+json";
constexpr const char* kLayerTar = "application/vnd.oci.image.layer.v1.tar";
constexpr const char* kRefName = "org.opencontainers.image.ref.name";
constexpr const char* kEpoch = "1970-01-01T00:00:00Z";

std::vector<WrittenImage> g_last_written;

std::string hex_of(const std::string& data) { return sha256_of(data).hex; }

std::string compress(const TestLayer& layer) {
  switch (layer.compression) {
    case TestCompression::kNone:
      return layer.tar;
    case TestCompression::kGzip:
      return gzip_compress(layer.tar);
    case TestCompression::kZstd:
      return zstd_compress(layer.tar);
  }
  return layer.tar;
}

std::string layer_media_type(const TestLayer& layer) {
  if (!layer.media_type.empty()) return layer.media_type;
  switch (layer.compression) {
    case TestCompression::kNone:
      return kLayerTar;
    case TestCompression::kGzip:
      return std::string(kLayerTar) + "+gzip";
    case TestCompression::kZstd:
      return std::string(kLayerTar) + "+zstd";
  }
  return kLayerTar;
}

json platform_json(const std::string& os, const std::string& arch, const std::string& variant) {
  json p = {{"architecture", arch}, {"os", os}};
  if (!variant.empty()) p["variant"] = variant;
  return p;
}

// The config as written: the test's JSON with rootfs, architecture, os and variant filled in
// when absent (or the raw bytes verbatim).
std::string config_bytes(const TestImage& img) {
  if (img.raw_config) return *img.raw_config;
  json c = img.config;
  if (!c.is_object()) return c.dump();
  if (!c.contains("architecture")) c["architecture"] = img.architecture;
  if (!c.contains("os")) c["os"] = img.os;
  if (!img.variant.empty() && !c.contains("variant")) c["variant"] = img.variant;
  if (!c.contains("rootfs")) {
    json ids = json::array();
    for (const TestLayer& l : img.layers) ids.push_back("sha256:" + hex_of(l.tar));
    c["rootfs"] = {{"type", "layers"}, {"diff_ids", ids}};
  }
  return c.dump();
}

// "name:tag" -> {"name", "tag"}; a ":" before the last "/" is a registry port.
std::pair<std::string, std::string> split_ref(const std::string& ref) {
  auto colon = ref.rfind(':');
  auto slash = ref.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return {ref, "latest"};
  }
  return {ref.substr(0, colon), ref.substr(colon + 1)};
}

// Content-addressed blobs in first-written order, each stored once.
class BlobStore {
 public:
  WrittenBlob add(std::string bytes) {
    std::string hex = hex_of(bytes);
    WrittenBlob w{"sha256:" + hex, static_cast<int64_t>(bytes.size())};
    if (seen_.insert(hex).second) blobs_.emplace_back(hex, std::move(bytes));
    return w;
  }
  const std::vector<std::pair<std::string, std::string>>& blobs() const { return blobs_; }

 private:
  std::set<std::string> seen_;
  std::vector<std::pair<std::string, std::string>> blobs_;
};

json descriptor(const std::string& media_type, const WrittenBlob& b) {
  return {{"mediaType", media_type}, {"digest", b.digest}, {"size", b.size}};
}

// An OCI layout in memory: blobs plus index.json, and the per-image descriptors docker's
// manifest.json needs.
struct BuiltLayout {
  BlobStore store;
  json index;
  std::vector<WrittenImage> written;
};

WrittenBlob add_attestation(BlobStore& store, const std::string& doc, const WrittenBlob& subject,
                            json& entries) {
  WrittenBlob layer = store.add(doc);
  json cfg = {{"architecture", "unknown"},
              {"os", "unknown"},
              {"config", json::object()},
              {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.digest}}}}};
  WrittenBlob config = store.add(cfg.dump());
  json layer_desc = descriptor("application/vnd.in-toto+json", layer);
  layer_desc["annotations"] = {{"in-toto.io/predicate-type", "https://slsa.dev/provenance/v0.2"}};
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kManifestType},
                   {"config", descriptor(kConfigType, config)},
                   {"layers", {layer_desc}}};
  WrittenBlob m = store.add(manifest.dump());
  json desc = descriptor(kManifestType, m);
  desc["platform"] = {{"architecture", "unknown"}, {"os", "unknown"}};
  desc["annotations"] = {{"vnd.docker.reference.digest", subject.digest},
                         {"vnd.docker.reference.type", "attestation-manifest"}};
  entries.push_back(desc);
  return m;
}

// Index shapes: by default index.json lists each image with its ref name; multi_platform_index
// adds platform fields; nested_index moves the entries into an index blob that index.json
// names (with the first image's ref name). Attestation entries never carry a ref name.
// docker_style: entries are annotated like Docker 25's docker save (ref.name is the tag).
BuiltLayout build_layout(const std::vector<TestImage>& images, const WriteOptions& options,
                         bool docker_style) {
  BuiltLayout out;
  json entries = json::array();
  for (const TestImage& img : images) {
    WrittenImage w;
    json layer_descs = json::array();
    for (const TestLayer& l : img.layers) {
      WrittenBlob b = out.store.add(compress(l));
      layer_descs.push_back(descriptor(layer_media_type(l), b));
      w.layers.push_back(b);
    }
    w.config = out.store.add(config_bytes(img));
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", kManifestType},
                     {"config", descriptor(kConfigType, w.config)},
                     {"layers", layer_descs}};
    if (!img.manifest_annotations.empty()) manifest["annotations"] = img.manifest_annotations;
    w.manifest = out.store.add(manifest.dump());

    json desc = descriptor(kManifestType, w.manifest);
    if (options.multi_platform_index || options.nested_index) {
      desc["platform"] = platform_json(img.os, img.architecture, img.variant);
    }
    if (!options.nested_index) {
      if (docker_style) {
        desc["annotations"] = {{"io.containerd.image.name", img.ref_name},
                               {kRefName, split_ref(img.ref_name).second}};
      } else {
        desc["annotations"] = {{kRefName, img.ref_name}};
      }
    }
    entries.push_back(desc);
    if (options.attestation_json) {
      add_attestation(out.store, *options.attestation_json, w.manifest, entries);
    }
    out.written.push_back(std::move(w));
  }

  out.index = {{"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", entries}};
  if (options.nested_index) {
    WrittenBlob nested = out.store.add(out.index.dump());
    json desc = descriptor(kIndexType, nested);
    if (!images.empty()) desc["annotations"] = {{kRefName, images.front().ref_name}};
    out.index["manifests"] = json::array({desc});
  }
  return out;
}

const std::string kOciLayoutFile = json{{"imageLayoutVersion", "1.0.0"}}.dump();

// Metadata members first (default) or last, blobs in between.
using Members = std::vector<std::pair<std::string, std::string>>;

void write_tar(const std::string& path, const Members& metadata, const Members& dirs,
               const Members& data, bool metadata_last) {
  TarWriter t;
  auto add_all = [&t](const Members& m) {
    for (const auto& [name, bytes] : m) t.add_file(name, bytes);
  };
  if (!metadata_last) add_all(metadata);
  for (const auto& [name, unused] : dirs) t.add_dir(name);
  add_all(data);
  if (metadata_last) add_all(metadata);
  write_file(path, t.finish());
}

Members blob_members(const BuiltLayout& layout) {
  Members m;
  for (const auto& [hex, bytes] : layout.store.blobs())
    m.emplace_back("blobs/sha256/" + hex, bytes);
  return m;
}

json repositories_json(const std::vector<TestImage>& images,
                       const std::vector<std::string>& top_ids) {
  json repos = json::object();
  for (size_t i = 0; i < images.size(); ++i) {
    if (top_ids[i].empty()) continue;
    auto [name, tag] = split_ref(images[i].ref_name);
    repos[name][tag] = top_ids[i];
  }
  return repos;
}

void write_docker_oci(const std::string& path, const std::vector<TestImage>& images,
                      const WriteOptions& options) {
  BuiltLayout layout = build_layout(images, options, /*docker_style=*/true);
  json manifest = json::array();
  std::vector<std::string> top_ids;
  for (size_t i = 0; i < images.size(); ++i) {
    const WrittenImage& w = layout.written[i];
    json layers = json::array();
    for (const WrittenBlob& b : w.layers) layers.push_back("blobs/sha256/" + b.digest.substr(7));
    manifest.push_back({{"Config", "blobs/sha256/" + w.config.digest.substr(7)},
                        {"RepoTags", {images[i].ref_name}},
                        {"Layers", layers}});
    top_ids.push_back(w.layers.empty() ? "" : w.layers.back().digest.substr(7));
  }
  Members metadata = {{"index.json", layout.index.dump()},
                      {"manifest.json", manifest.dump()},
                      {"oci-layout", kOciLayoutFile},
                      {"repositories", repositories_json(images, top_ids).dump()}};
  write_tar(path, metadata, {{"blobs", ""}, {"blobs/sha256", ""}}, blob_members(layout),
            options.metadata_last);
  g_last_written = std::move(layout.written);
}

// Legacy `docker save`: <id>/{VERSION,json,layer.tar} per layer (v1 ids chained on parent and
// diff_id; the top layer's id and json also depend on the config, as in docker), <hex>.json
// configs, manifest.json and repositories. Identical layer stacks share directories.
void write_docker_legacy(const std::string& path, const std::vector<TestImage>& images,
                         const WriteOptions& options) {
  Members data, dirs;
  std::set<std::string> written_ids;
  std::set<std::string> written_configs;
  json manifest = json::array();
  std::vector<std::string> top_ids;
  std::vector<WrittenImage> written;
  for (const TestImage& img : images) {
    WrittenImage w;
    std::string config = config_bytes(img);
    w.config = WrittenBlob{"sha256:" + hex_of(config), static_cast<int64_t>(config.size())};
    json parsed = json::parse(config, nullptr, /*allow_exceptions=*/false);
    json layers = json::array();
    std::string parent;
    for (size_t i = 0; i < img.layers.size(); ++i) {
      const std::string& tar = img.layers[i].tar;
      WrittenBlob diff{"sha256:" + hex_of(tar), static_cast<int64_t>(tar.size())};
      w.layers.push_back(diff);
      bool top = i + 1 == img.layers.size();
      std::string id = hex_of(parent + " " + diff.digest + (top ? " " + config : ""));
      json v1 = {{"id", id}, {"created", kEpoch}, {"container_config", {{"Cmd", nullptr}}}};
      if (top && parsed.is_object()) {
        v1 = parsed;
        v1.erase("history");
        v1.erase("rootfs");
        v1["id"] = id;
      }
      if (!parent.empty()) v1["parent"] = parent;
      if (written_ids.insert(id).second) {
        dirs.emplace_back(id, "");
        data.emplace_back(id + "/VERSION", "1.0");
        data.emplace_back(id + "/json", v1.dump());
        data.emplace_back(id + "/layer.tar", tar);
      }
      layers.push_back(id + "/layer.tar");
      parent = id;
    }
    std::string config_name = w.config.digest.substr(7) + ".json";
    if (written_configs.insert(config_name).second) data.emplace_back(config_name, config);
    manifest.push_back({{"Config", config_name}, {"RepoTags", {img.ref_name}}, {"Layers", layers}});
    top_ids.push_back(parent);
    written.push_back(std::move(w));
  }
  Members metadata = {{"manifest.json", manifest.dump()},
                      {"repositories", repositories_json(images, top_ids).dump()}};
  write_tar(path, metadata, dirs, data, options.metadata_last);
  g_last_written = std::move(written);
}

}  // namespace

void write_oci_layout(const std::string& dir, const std::vector<TestImage>& images,
                      const WriteOptions& options) {
  BuiltLayout layout = build_layout(images, options, /*docker_style=*/false);
  std::filesystem::create_directories(dir + "/blobs/sha256");
  write_file(dir + "/oci-layout", kOciLayoutFile);
  write_file(dir + "/index.json", layout.index.dump());
  for (const auto& [hex, bytes] : layout.store.blobs()) {
    write_file(dir + "/blobs/sha256/" + hex, bytes);
  }
  g_last_written = std::move(layout.written);
}

void write_oci_archive(const std::string& path, const std::vector<TestImage>& images,
                       const WriteOptions& options) {
  BuiltLayout layout = build_layout(images, options, /*docker_style=*/false);
  Members metadata = {{"oci-layout", kOciLayoutFile}, {"index.json", layout.index.dump()}};
  write_tar(path, metadata, {{"blobs", ""}, {"blobs/sha256", ""}}, blob_members(layout),
            options.metadata_last);
  g_last_written = std::move(layout.written);
}

void write_docker_archive(const std::string& path, const std::vector<TestImage>& images,
                          DockerArchiveShape shape, const WriteOptions& options) {
  if (shape == DockerArchiveShape::kLegacy) {
    write_docker_legacy(path, images, options);
  } else {
    write_docker_oci(path, images, options);
  }
}

const std::vector<WrittenImage>& last_written_images() { return g_last_written; }

void edit_oci_manifest(const std::string& layout,
                       const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json index = nlohmann::json::parse(read_file(layout + "/index.json"));
  std::string old_digest = index["manifests"][0]["digest"].get<std::string>();
  nlohmann::json manifest =
      nlohmann::json::parse(read_file(layout + "/blobs/sha256/" + old_digest.substr(7)));
  edit(manifest);
  std::string text = manifest.dump();
  std::string digest = sha256_of(text).str();
  write_file(layout + "/blobs/sha256/" + digest.substr(7), text);
  index["manifests"][0]["digest"] = digest;
  index["manifests"][0]["size"] = text.size();
  write_file(layout + "/index.json", index.dump());
}

}  // namespace strata::test
