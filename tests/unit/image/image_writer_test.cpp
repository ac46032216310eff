// The test image writer is what every source and scan test stands on: check that what it
// writes is self-consistent (digests and sizes match the bytes, configs name the layers).
#include "support/image_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "strata/core/digest.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using json = nlohmann::json;

TestLayer layer(std::string tar, TestCompression compression, std::string media_type = "") {
  TestLayer l;
  l.tar = std::move(tar);
  l.compression = compression;
  l.media_type = std::move(media_type);
  return l;
}

WriteOptions options(void (*set)(WriteOptions&)) {
  WriteOptions o;
  set(o);
  return o;
}

TestImage two_layer_image() {
  TestImage img;
  img.layers.push_back(
      layer(TarWriter().add_file("etc/a", "aaa").finish(), TestCompression::kGzip));
  img.layers.push_back(
      layer(TarWriter().add_file("app/b", "bbb").finish(), TestCompression::kZstd));
  img.config["config"]["Env"] = {"PATH=/bin"};
  img.config["history"] = {{{"created_by", "ADD a"}}, {{"created_by", "COPY b"}}};
  return img;
}

std::string blob_path(const std::string& dir, const std::string& digest) {
  return dir + "/blobs/sha256/" + digest.substr(std::string("sha256:").size());
}

// Reads the blob a descriptor names and checks its digest and size.
std::string read_checked(const std::string& dir, const json& desc) {
  std::string digest = desc.at("digest");
  std::string bytes = read_file(blob_path(dir, digest));
  EXPECT_EQ(sha256_of(bytes).str(), digest);
  EXPECT_EQ(static_cast<int64_t>(bytes.size()), desc.at("size").get<int64_t>());
  return bytes;
}

// Member names and contents of an uncompressed tar (ustar headers, pax headers skipped).
std::vector<std::pair<std::string, std::string>> tar_members(const std::string& tar) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos + 512 <= tar.size() && tar[pos] != '\0') {
    std::string name(tar.data() + pos, strnlen(tar.data() + pos, 100));
    std::string prefix(tar.data() + pos + 345, strnlen(tar.data() + pos + 345, 155));
    if (!prefix.empty()) name = prefix + "/" + name;
    size_t size = std::stoul(std::string(tar.data() + pos + 124, 11), nullptr, 8);
    char type = tar[pos + 156];
    if (type != 'x' && type != 'g') out.emplace_back(name, tar.substr(pos + 512, size));
    pos += 512 + (size + 511) / 512 * 512;
  }
  return out;
}

std::string member(const std::vector<std::pair<std::string, std::string>>& members,
                   const std::string& name) {
  for (const auto& [n, content] : members) {
    if (n == name || n == name + "/") return content;
  }
  ADD_FAILURE() << "no member " << name;
  return "";
}

TEST(ImageWriterTest, OciLayoutRoundTrip) {
  TempDir dir;
  TestImage img = two_layer_image();
  write_oci_layout(dir.path(), {img});

  json index = json::parse(read_file(dir.path() + "/index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  const json& entry = index["manifests"][0];
  EXPECT_EQ(entry["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(entry["annotations"]["org.opencontainers.image.ref.name"], img.ref_name);
  json manifest = json::parse(read_checked(dir.path(), entry));

  json config = json::parse(read_checked(dir.path(), manifest["config"]));
  EXPECT_EQ(config["os"], "linux");
  EXPECT_EQ(config["architecture"], "amd64");
  EXPECT_EQ(config["config"]["Env"][0], "PATH=/bin");

  ASSERT_EQ(manifest["layers"].size(), 2u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(manifest["layers"][1]["mediaType"], "application/vnd.oci.image.layer.v1.tar+zstd");
  for (size_t i = 0; i < 2; ++i) {
    read_checked(dir.path(), manifest["layers"][i]);
    EXPECT_EQ(config["rootfs"]["diff_ids"][i], sha256_of(img.layers[i].tar).str());
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/oci-layout"));
}

TEST(ImageWriterTest, LastWrittenImagesMatchTheManifest) {
  TempDir dir;
  write_oci_layout(dir.path(), {two_layer_image()});
  json index = json::parse(read_file(dir.path() + "/index.json"));
  json manifest = json::parse(read_checked(dir.path(), index["manifests"][0]));
  ASSERT_EQ(last_written_images().size(), 1u);
  const WrittenImage& w = last_written_images()[0];
  EXPECT_EQ(w.manifest.digest, index["manifests"][0]["digest"].get<std::string>());
  EXPECT_EQ(w.config.digest, manifest["config"]["digest"].get<std::string>());
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[1].digest, manifest["layers"][1]["digest"].get<std::string>());
  EXPECT_EQ(w.layers[1].size, manifest["layers"][1]["size"].get<int64_t>());
}

TEST(ImageWriterTest, UncompressedLayerIsStoredVerbatimWithGivenMediaType) {
  TempDir dir;
  TestImage img;
  img.layers.push_back(layer(TarWriter().add_file("x", "1").finish(), TestCompression::kNone,
                             "application/vnd.oci.image.layer.v1.tar+gzip"));
  write_oci_layout(dir.path(), {img});
  const WrittenImage& w = last_written_images()[0];
  EXPECT_EQ(read_file(blob_path(dir.path(), w.layers[0].digest)), img.layers[0].tar);
  json manifest = json::parse(read_file(blob_path(dir.path(), w.manifest.digest)));
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
}

TEST(ImageWriterTest, MultiPlatformIndexCarriesPlatforms) {
  TempDir dir;
  TestImage amd = two_layer_image(), arm = two_layer_image();
  arm.architecture = "arm64";
  arm.variant = "v8";
  write_oci_layout(dir.path(), {amd, arm},
                   options([](WriteOptions& o) { o.multi_platform_index = true; }));
  json index = json::parse(read_file(dir.path() + "/index.json"));
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["manifests"][1]["platform"]["architecture"], "arm64");
  EXPECT_EQ(index["manifests"][1]["platform"]["variant"], "v8");
  json manifest = json::parse(read_checked(dir.path(), index["manifests"][1]));
  json config = json::parse(read_checked(dir.path(), manifest["config"]));
  EXPECT_EQ(config["variant"], "v8");
}

TEST(ImageWriterTest, NestedIndexPointsAtAnIndexBlob) {
  TempDir dir;
  write_oci_layout(dir.path(), {two_layer_image()},
                   options([](WriteOptions& o) { o.nested_index = true; }));
  json index = json::parse(read_file(dir.path() + "/index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["mediaType"], "application/vnd.oci.image.index.v1+json");
  json nested = json::parse(read_checked(dir.path(), index["manifests"][0]));
  ASSERT_EQ(nested["manifests"].size(), 1u);
  EXPECT_EQ(nested["manifests"][0]["digest"], last_written_images()[0].manifest.digest);
}

TEST(ImageWriterTest, AttestationManifestReferencesItsImage) {
  TempDir dir;
  std::string doc = R"({"_type":"https://in-toto.io/Statement/v0.1"})";
  WriteOptions with_attestation;
  with_attestation.attestation_json = doc;
  write_oci_layout(dir.path(), {two_layer_image()}, with_attestation);
  json index = json::parse(read_file(dir.path() + "/index.json"));
  ASSERT_EQ(index["manifests"].size(), 2u);
  const json& att = index["manifests"][1];
  EXPECT_EQ(att["platform"]["os"], "unknown");
  EXPECT_EQ(att["annotations"]["vnd.docker.reference.type"], "attestation-manifest");
  EXPECT_EQ(att["annotations"]["vnd.docker.reference.digest"],
            last_written_images()[0].manifest.digest);
  json manifest = json::parse(read_checked(dir.path(), att));
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.in-toto+json");
  EXPECT_EQ(read_checked(dir.path(), manifest["layers"][0]), doc);
}

TEST(ImageWriterTest, RawConfigIsWrittenVerbatim) {
  TempDir dir;
  TestImage img = two_layer_image();
  img.raw_config = "{not json";
  write_oci_layout(dir.path(), {img});
  EXPECT_EQ(read_file(blob_path(dir.path(), last_written_images()[0].config.digest)), "{not json");
}

TEST(ImageWriterTest, LegacyDockerArchiveLayout) {
  TempDir dir;
  TestImage img = two_layer_image();
  write_docker_archive(dir.path() + "/a.tar", {img}, DockerArchiveShape::kLegacy);
  auto members = tar_members(read_file(dir.path() + "/a.tar"));
  ASSERT_FALSE(members.empty());
  EXPECT_EQ(members.front().first, "manifest.json");
  json manifest = json::parse(member(members, "manifest.json"));
  ASSERT_EQ(manifest.size(), 1u);
  EXPECT_EQ(manifest[0]["RepoTags"][0], img.ref_name);
  std::string config = member(members, manifest[0]["Config"]);
  EXPECT_EQ(sha256_of(config).hex + ".json", manifest[0]["Config"].get<std::string>());
  ASSERT_EQ(manifest[0]["Layers"].size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    std::string path = manifest[0]["Layers"][i];
    EXPECT_EQ(member(members, path), img.layers[i].tar);  // stored uncompressed
    std::string id = path.substr(0, path.find('/'));
    EXPECT_EQ(member(members, id + "/VERSION"), "1.0");
  }
  std::string top = manifest[0]["Layers"][1];
  json v1 = json::parse(member(members, top.substr(0, top.find('/')) + "/json"));
  EXPECT_EQ(v1["config"]["Env"][0], "PATH=/bin");
  json repos = json::parse(member(members, "repositories"));
  EXPECT_EQ(repos["test/app"]["1"], top.substr(0, top.find('/')));
}

TEST(ImageWriterTest, LegacyArchiveSharesIdenticalLayersOnce) {
  TempDir dir;
  TestImage a = two_layer_image(), b = two_layer_image();
  b.ref_name = "test/other:2";
  b.config["config"]["Env"] = {"PATH=/usr/bin"};
  write_docker_archive(dir.path() + "/a.tar", {a, b}, DockerArchiveShape::kLegacy);
  auto members = tar_members(read_file(dir.path() + "/a.tar"));
  json manifest = json::parse(member(members, "manifest.json"));
  ASSERT_EQ(manifest.size(), 2u);
  EXPECT_EQ(manifest[0]["Layers"][0], manifest[1]["Layers"][0]);
  EXPECT_NE(manifest[0]["Layers"][1], manifest[1]["Layers"][1]);  // configs differ
  std::string shared = manifest[0]["Layers"][0];
  EXPECT_EQ(std::count_if(members.begin(), members.end(),
                          [&](const auto& m) { return m.first == shared; }),
            1);
}

TEST(ImageWriterTest, MetadataLastPutsManifestAtTheEnd) {
  TempDir dir;
  write_docker_archive(dir.path() + "/a.tar", {two_layer_image()}, DockerArchiveShape::kLegacy,
                       options([](WriteOptions& o) { o.metadata_last = true; }));
  auto members = tar_members(read_file(dir.path() + "/a.tar"));
  ASSERT_GE(members.size(), 2u);
  EXPECT_NE(members.front().first, "manifest.json");
  bool manifest_near_end = members.back().first == "manifest.json" ||
                           members[members.size() - 2].first == "manifest.json";
  EXPECT_TRUE(manifest_near_end);
}

TEST(ImageWriterTest, DockerOciShapeManifestPointsAtBlobs) {
  TempDir dir;
  TestImage img = two_layer_image();
  write_docker_archive(dir.path() + "/a.tar", {img}, DockerArchiveShape::kOciLayout);
  auto members = tar_members(read_file(dir.path() + "/a.tar"));
  json manifest = json::parse(member(members, "manifest.json"));
  std::string config_path = manifest[0]["Config"];
  EXPECT_EQ(config_path, "blobs/sha256/" + last_written_images()[0].config.digest.substr(7));
  EXPECT_EQ(sha256_of(member(members, config_path)).str(), last_written_images()[0].config.digest);
  json index = json::parse(member(members, "index.json"));
  EXPECT_EQ(index["manifests"][0]["digest"], last_written_images()[0].manifest.digest);
  EXPECT_FALSE(member(members, "oci-layout").empty());
}

TEST(ImageWriterTest, OciArchiveHoldsTheLayout) {
  TempDir dir;
  write_oci_archive(dir.path() + "/a.tar", {two_layer_image()});
  auto members = tar_members(read_file(dir.path() + "/a.tar"));
  EXPECT_EQ(members.front().first, "oci-layout");
  json index = json::parse(member(members, "index.json"));
  std::string digest = index["manifests"][0]["digest"];
  EXPECT_EQ(sha256_of(member(members, "blobs/sha256/" + digest.substr(7))).str(), digest);
}

}  // namespace
}  // namespace strata::test
