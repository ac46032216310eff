// Test support: writes images in every on-disk shape strata reads, from layers the test makes
// with TarWriter, so source and scan tests control every byte (and can corrupt some).
//
//   TestImage img;
//   img.layers.push_back({TarWriter().add_file("app/.env", env).finish(), TestCompression::kGzip});
//   img.config["config"]["Env"] = {"PATH=/bin"};
//   img.config["history"] = {{{"created_by", "COPY . ."}}};
//   write_oci_layout(dir + "/layout", {img});
//   write_docker_archive(dir + "/app.tar", {img}, DockerArchiveShape::kLegacy);
//
// The config's rootfs.diff_ids, architecture and os are filled in when the test leaves them out.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace strata::test {

enum class TestCompression { kNone, kGzip, kZstd };

struct TestLayer {
  std::string tar;  // uncompressed tar bytes
  TestCompression compression = TestCompression::kGzip;
  // Media type to write; empty: the right one for the compression. Set it to test that
  // compression is sniffed from magic bytes, not trusted from the media type.
  std::string media_type;
};

struct TestImage {
  std::vector<TestLayer> layers;
  nlohmann::json config = nlohmann::json::object();  // image config (history, config.Env, …)
  std::string ref_name = "test/app:1";               // tag (RepoTags / ref.name annotation)
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;
  nlohmann::json manifest_annotations = nlohmann::json::object();
  // When set, written verbatim as the config blob instead of `config` (nothing is filled in):
  // for tests of invalid or odd config JSON.
  std::optional<std::string> raw_config;
};

struct WrittenBlob {
  std::string digest;  // "sha256:…"
  int64_t size = 0;
};

struct WriteOptions {
  // Put all images under one image index (multi-platform), as buildx and `manifest push` do.
  bool multi_platform_index = false;
  // index.json points at a nested index blob that lists the manifests (buildah manifest push).
  bool nested_index = false;
  // Add a buildx-style attestation manifest (platform unknown/unknown, annotation
  // vnd.docker.reference.type=attestation-manifest) per image, whose single layer is this
  // in-toto JSON document (mediaType application/vnd.in-toto+json).
  std::optional<std::string> attestation_json;
  // Archive member order: metadata (manifest.json, index.json) last instead of first.
  bool metadata_last = false;
};

// OCI image layout directory: oci-layout, index.json, blobs/sha256/….
void write_oci_layout(const std::string& dir, const std::vector<TestImage>& images,
                      const WriteOptions& options = {});
// The same layout as an uncompressed tar (oci-archive).
void write_oci_archive(const std::string& path, const std::vector<TestImage>& images,
                       const WriteOptions& options = {});

enum class DockerArchiveShape {
  kLegacy,  // manifest.json, <config>.json, <id>/layer.tar (uncompressed), <id>/json, repositories
  kOciLayout,  // Docker 25+: oci-layout, index.json, blobs/sha256/… and manifest.json
};
void write_docker_archive(const std::string& path, const std::vector<TestImage>& images,
                          DockerArchiveShape shape, const WriteOptions& options = {});

// Blobs written by the last write_* call, one entry per TestImage in order (attestation
// manifests are not listed): for tests that corrupt one. For legacy docker-archives the manifest
// is empty and the layers are the uncompressed layer.tar files (digest = diff_id).
struct WrittenImage {
  WrittenBlob manifest;
  WrittenBlob config;
  std::vector<WrittenBlob> layers;
};
const std::vector<WrittenImage>& last_written_images();

// Rewrites the manifest of the first image of an OCI layout directory with `edit`, stores it as
// a new blob and points index.json at it, so the layout stays consistent except for the edit.
void edit_oci_manifest(const std::string& layout, const std::function<void(nlohmann::json&)>& edit);

}  // namespace strata::test
