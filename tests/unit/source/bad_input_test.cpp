// Bad input gives a clear error naming what and where, never a crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "strata/core/digest.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

test::TestImage small_image() {
  test::TestImage img;
  img.layers.push_back(
      {test::TarWriter().add_file("a", "1").finish(), test::TestCompression::kGzip, ""});
  img.layers.push_back(
      {test::TarWriter().add_file("b", "2").finish(), test::TestCompression::kGzip, ""});
  return img;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(BadInput, GarbageFileIsNotAnArchive) {
  test::TempDir dir;
  std::string path = dir.path() + "/app.tar";
  std::string garbage;
  for (int i = 0; i < 3000; ++i) garbage.push_back(static_cast<char>('a' + (i * 7) % 26));
  test::write_file(path, garbage);
  auto src = open_image_source(path, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, path + ": not a docker-archive, OCI archive or tar: "))
      << src.error().message;
}

TEST(BadInput, EmptyFileIsNotAnArchive) {
  test::TempDir dir;
  test::write_file(dir.path() + "/empty.tar", "");
  auto src = open_image_source(dir.path() + "/empty.tar", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "not a docker-archive, OCI archive or tar"))
      << src.error().message;
}

TEST(BadInput, MissingPathIsNamed) {
  test::TempDir dir;
  auto src = open_image_source(dir.path() + "/nothing.tar", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, dir.path() + "/nothing.tar")) << src.error().message;
}

TEST(BadInput, OciPrefixOnAMissingDirectory) {
  test::TempDir dir;
  auto src = open_image_source("oci:" + dir.path() + "/none", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "not a directory")) << src.error().message;
}

TEST(BadInput, InvalidIndexJsonGivesTheByte) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  test::write_file(layout + "/index.json", "{\"manifests\": [}");
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(
      src.error().message.starts_with("oci:" + layout + ": index.json: invalid JSON at byte "))
      << src.error().message;
}

TEST(BadInput, InvalidManifestJsonInDockerArchive) {
  test::TempDir dir;
  test::write_file(dir.path() + "/app.tar",
                   test::TarWriter().add_file("manifest.json", "[{\"Config\": ").finish());
  auto src = open_image_source(dir.path() + "/app.tar", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "manifest.json: invalid JSON at byte"))
      << src.error().message;
}

// Found by fuzz/manifest: nlohmann throws out_of_range, not parse_error, for a number no
// double holds; it escaped the parser as an exception.
TEST(BadInput, NumberTooLargeForADoubleIsInvalidJson) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  test::write_file(layout + "/index.json", "{\"schemaVersion\": 2, \"manifests\": [{\"size\": 1" +
                                               std::string(400, '0') + "}]}");
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "index.json: invalid JSON: a number out of range"))
      << src.error().message;
}

TEST(BadInput, TamperedManifestIsADigestMismatch) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  const std::string& digest = test::last_written_images()[0].manifest.digest;
  std::string path = layout + "/blobs/sha256/" + digest.substr(7);
  json m = json::parse(test::read_file(path));
  m["annotations"] = {{"tampered", "yes"}};
  test::write_file(path, m.dump());
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "manifest " + digest + ": digest mismatch"))
      << src.error().message;
}

TEST(BadInput, MissingConfigBlobIsAnError) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  const std::string& digest = test::last_written_images()[0].config.digest;
  std::filesystem::remove(layout + "/blobs/sha256/" + digest.substr(7));
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "missing blob " + digest)) << src.error().message;
}

TEST(BadInput, MissingLayerBlobNamesTheLayerAndImage) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  const std::string digest = test::last_written_images()[0].layers[1].digest;
  std::filesystem::remove(layout + "/blobs/sha256/" + digest.substr(7));
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  auto stream = (*images)[0].layers[1].layer->compressed();
  ASSERT_FALSE(stream);
  EXPECT_TRUE(
      contains(stream.error().message, "missing blob " + digest + " (layer 2 of test/app:1)"))
      << stream.error().message;
}

// Layer `index` of a one-image layout claims `size` bytes (no size when `size` is discarded).
void claim_layer_size(const std::string& layout, size_t index, const json& size) {
  test::edit_oci_manifest(layout, [&](json& m) {
    if (size.is_discarded()) {
      m["layers"][index].erase("size");
    } else {
      m["layers"][index]["size"] = size;
    }
  });
}

Result<std::string> read_layer(const LayerInfo& layer) {
  auto stream = layer.layer->compressed();
  if (!stream) return fail(stream.error());
  return read_all(**stream, 1 << 20);
}

TEST(BadInput, LayerLongerOrShorterThanItsDescriptorIsAnErrorNamingBoth) {
  for (int64_t claimed : {int64_t{1} << 62, int64_t{3}}) {
    test::TempDir dir;
    std::string layout = dir.path() + "/x";
    test::write_oci_layout(layout, {small_image()});
    const test::WrittenBlob actual = test::last_written_images()[0].layers[1];
    claim_layer_size(layout, 1, claimed);
    auto src = open_image_source("oci:" + layout, {});
    ASSERT_TRUE(src) << src.error().message;
    auto images = (*src)->images();
    ASSERT_TRUE(images);
    ASSERT_EQ((*images)[0].layers[1].blob.size, claimed);
    auto bytes = read_layer((*images)[0].layers[1]);
    ASSERT_FALSE(bytes) << claimed;
    EXPECT_TRUE(contains(bytes.error().message, actual.digest + ": size mismatch (expected " +
                                                    std::to_string(claimed) + " bytes, got " +
                                                    std::to_string(actual.size) + ")"))
        << bytes.error().message;
  }
}

TEST(BadInput, LayerSizeThatIsNoLengthIsAnError) {
  for (const json& claimed : {json(-5), json(UINT64_MAX), json("195"), json(1.5), json(nullptr)}) {
    test::TempDir dir;
    std::string layout = dir.path() + "/x";
    test::write_oci_layout(layout, {small_image()});
    const std::string digest = test::last_written_images()[0].layers[1].digest;
    claim_layer_size(layout, 1, claimed);
    auto src = open_image_source("oci:" + layout, {});
    ASSERT_FALSE(src) << claimed.dump();
    EXPECT_TRUE(contains(src.error().message, "descriptor " + digest + ": size " + claimed.dump() +
                                                  " is not a length in bytes"))
        << src.error().message;
  }
}

TEST(BadInput, LayerWithoutSizeIsAnError) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  const std::string digest = test::last_written_images()[0].layers[1].digest;
  claim_layer_size(layout, 1, json(json::value_t::discarded));
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "descriptor " + digest + ": no size"))
      << src.error().message;
}

TEST(BadInput, DockerArchivePrefixOnAnOciArchive) {
  test::TempDir dir;
  test::write_oci_archive(dir.path() + "/x.tar", {small_image()});
  auto src = open_image_source("docker-archive:" + dir.path() + "/x.tar", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "not a docker-archive: manifest.json is missing"))
      << src.error().message;
}

TEST(BadInput, OciArchivePrefixOnALegacyDockerArchive) {
  test::TempDir dir;
  test::write_docker_archive(dir.path() + "/x.tar", {small_image()},
                             test::DockerArchiveShape::kLegacy);
  auto src = open_image_source("oci-archive:" + dir.path() + "/x.tar", {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "not an OCI archive")) << src.error().message;
}

TEST(BadInput, TruncatedArchiveFailsWhenTheLayerIsRead) {
  test::TempDir dir;
  std::string path = dir.path() + "/x.tar";
  std::string layer = test::TarWriter().add_file("big", std::string(8192, 'z')).finish();
  std::string config =
      json{{"architecture", "amd64"},
           {"os", "linux"},
           {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_of(layer).str()}}}}}
          .dump();
  json manifest = json::array(
      {{{"Config", "config.json"}, {"RepoTags", {"t:1"}}, {"Layers", {"l/layer.tar"}}}});
  std::string bytes = test::TarWriter()
                          .add_file("manifest.json", manifest.dump())
                          .add_file("config.json", config)
                          .add_file("l/layer.tar", layer)
                          .finish();
  size_t at = bytes.find(layer);
  ASSERT_NE(at, std::string::npos);
  test::write_file(path, bytes.substr(0, at + layer.size() / 2));
  auto src = open_image_source(path, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  ASSERT_EQ((*images)[0].layers.size(), 1u);
  auto stream = (*images)[0].layers[0].layer->compressed();
  ASSERT_TRUE(stream) << stream.error().message;
  auto data = read_all(**stream, 1 << 20);
  ASSERT_FALSE(data);
  EXPECT_TRUE(contains(data.error().message, "ended early")) << data.error().message;
}

TEST(BadInput, IndexesNestedTooDeepAreRejected) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  json index = json::parse(test::read_file(layout + "/index.json"));
  for (int depth = 0; depth < 6; ++depth) {
    std::string text = index.dump();
    Digest d = sha256_of(text);
    test::write_file(layout + "/blobs/sha256/" + d.hex, text);
    json entry = {{"mediaType", "application/vnd.oci.image.index.v1+json"},
                  {"digest", d.str()},
                  {"size", text.size()}};
    index = json::object();
    index["schemaVersion"] = 2;
    index["manifests"] = json::array({entry});
  }
  test::write_file(layout + "/index.json", index.dump());
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "nested deeper than 4")) << src.error().message;
}

TEST(BadInput, IndexWithWrongTypesIsAnErrorNotACrash) {
  test::TempDir dir;
  std::string layout = dir.path() + "/x";
  test::write_oci_layout(layout, {small_image()});
  test::write_file(layout + "/index.json", R"({"manifests": [{"digest": 5}]})");
  auto src = open_image_source("oci:" + layout, {});
  ASSERT_FALSE(src);
  EXPECT_TRUE(contains(src.error().message, "index.json")) << src.error().message;
}

}  // namespace
}  // namespace strata
