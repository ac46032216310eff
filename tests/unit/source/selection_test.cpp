// Which images a source lists, and how --image and --platform select among them:
// multi-image docker archives, multi-platform and nested indexes, attestation manifests.
#include <gtest/gtest.h>

#include <algorithm>

#include "strata/core/digest.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TestCompression;
using test::TestImage;

TestImage image_named(const std::string& ref, const std::string& arch = "amd64") {
  TestImage img;
  img.ref_name = ref;
  img.architecture = arch;
  img.layers.push_back(
      {test::TarWriter().add_file("id", ref + " " + arch).finish(), TestCompression::kGzip, ""});
  img.config["history"] = nlohmann::json::array({{{"created_by", "COPY id /id"}}});
  return img;
}

std::vector<std::string> references(const std::vector<Image>& images) {
  std::vector<std::string> out;
  for (const auto& i : images) out.push_back(i.reference);
  return out;
}

class MultiImageDockerArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/two.tar";
    test::write_docker_archive(path_, {image_named("test/app:1"), image_named("other/tool:2")},
                               test::DockerArchiveShape::kLegacy);
  }
  Result<std::vector<Image>> open_with(std::optional<std::string> filter) {
    SourceOptions options;
    options.image_filter = std::move(filter);
    auto src = open_image_source(path_, options);
    if (!src) return fail(src.error());
    return (*src)->images();
  }
  test::TempDir dir_;
  std::string path_;
};

TEST_F(MultiImageDockerArchive, ListsEveryImage) {
  auto images = open_with(std::nullopt);
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_EQ(references(*images), (std::vector<std::string>{"test/app:1", "other/tool:2"}));
}

TEST_F(MultiImageDockerArchive, FilterByNameAndTag) {
  auto images = open_with("other/tool:2");
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_EQ(references(*images), (std::vector<std::string>{"other/tool:2"}));
}

TEST_F(MultiImageDockerArchive, FilterByNameAloneMatchesAnyTag) {
  auto images = open_with("test/app");
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_EQ(references(*images), (std::vector<std::string>{"test/app:1"}));
}

TEST_F(MultiImageDockerArchive, FilterWithWrongTagMatchesNothing) {
  auto images = open_with("test/app:2");
  ASSERT_FALSE(images);
}

TEST_F(MultiImageDockerArchive, UnknownNameListsWhatTheArchiveHolds) {
  auto images = open_with("nope");
  ASSERT_FALSE(images);
  const std::string& msg = images.error().message;
  EXPECT_NE(msg.find("no image named nope in " + path_), std::string::npos) << msg;
  EXPECT_NE(msg.find("it holds: test/app:1, other/tool:2"), std::string::npos) << msg;
}

TEST_F(MultiImageDockerArchive, EachImageReadsItsOwnLayer) {
  auto src = open_image_source(path_, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  for (const Image& img : *images) {
    ASSERT_EQ(img.layers.size(), 1u);
    auto stream = img.layers[0].layer->compressed();
    ASSERT_TRUE(stream) << stream.error().message;
    auto bytes = read_all(**stream, 1 << 20);
    ASSERT_TRUE(bytes) << bytes.error().message;
    EXPECT_NE(bytes->find(img.reference + " amd64"), std::string::npos) << img.reference;
  }
}

class TwoPlatformIndex : public ::testing::Test {
 protected:
  void write(const test::WriteOptions& base = {}) {
    test::WriteOptions o = base;
    o.multi_platform_index = true;
    test::write_oci_layout(dir_.path() + "/layout",
                           {image_named("test/app:1", "amd64"), image_named("test/app:1", "arm64")},
                           o);
  }
  Result<std::vector<Image>> open_with(std::optional<std::string> platform) {
    SourceOptions options;
    if (platform) options.platform = *Platform::parse(*platform);
    auto src = open_image_source("oci:" + dir_.path() + "/layout", options);
    if (!src) return fail(src.error());
    return (*src)->images();
  }
  test::TempDir dir_;
};

TEST_F(TwoPlatformIndex, ListsBothPlatforms) {
  write();
  auto images = open_with(std::nullopt);
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].platform.architecture, "amd64");
  EXPECT_EQ((*images)[1].platform.architecture, "arm64");
}

TEST_F(TwoPlatformIndex, PlatformFilterKeepsOne) {
  write();
  auto images = open_with("linux/arm64");
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].platform.architecture, "arm64");
  EXPECT_EQ((*images)[0].reference, "test/app:1");
}

TEST_F(TwoPlatformIndex, UnknownPlatformListsTheAvailableOnes) {
  write();
  auto images = open_with("linux/s390x");
  ASSERT_FALSE(images);
  const std::string& msg = images.error().message;
  EXPECT_NE(msg.find("linux/s390x"), std::string::npos) << msg;
  EXPECT_NE(msg.find("linux/amd64, linux/arm64"), std::string::npos) << msg;
}

TEST_F(TwoPlatformIndex, NestedIndexIsFollowed) {
  test::WriteOptions o;
  o.nested_index = true;
  write(o);
  auto images = open_with(std::nullopt);
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 2u);
  const auto& written = test::last_written_images();
  EXPECT_EQ((*images)[0].manifest_digest.str(), written[0].manifest.digest);
  EXPECT_EQ((*images)[1].manifest_digest.str(), written[1].manifest.digest);
  // The name on the outer index entry applies to the manifests under it.
  EXPECT_EQ((*images)[1].reference, "test/app:1");
}

TEST_F(TwoPlatformIndex, NestedIndexHonoursThePlatformFilter) {
  test::WriteOptions o;
  o.nested_index = true;
  write(o);
  auto images = open_with("linux/amd64");
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].platform.architecture, "amd64");
}

class Attestations : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = R"({"_type":"https://in-toto.io/Statement/v0.1","predicateType":"x"})";
    test::WriteOptions o;
    o.multi_platform_index = true;
    o.attestation_json = doc_;
    test::write_oci_layout(dir_.path() + "/layout",
                           {image_named("test/app:1", "amd64"), image_named("test/app:1", "arm64")},
                           o);
  }
  test::TempDir dir_;
  std::string doc_;
};

TEST_F(Attestations, AreListedAndMarked) {
  auto src = open_image_source("oci:" + dir_.path() + "/layout", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 4u);
  int attestations = 0;
  for (const Image& img : *images) {
    if (!img.is_attestation) continue;
    ++attestations;
    EXPECT_EQ(img.platform.os, "unknown");
  }
  EXPECT_EQ(attestations, 2);
}

TEST_F(Attestations, LayerIsReadable) {
  auto src = open_image_source("oci:" + dir_.path() + "/layout", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  auto it =
      std::find_if(images->begin(), images->end(), [](const Image& i) { return i.is_attestation; });
  ASSERT_NE(it, images->end());
  ASSERT_EQ(it->layers.size(), 1u);
  auto stream = it->layers[0].layer->compressed();
  ASSERT_TRUE(stream) << stream.error().message;
  auto bytes = read_all(**stream, 1 << 20);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, doc_);
}

TEST_F(Attestations, StayWithTheImageThePlatformFilterKeeps) {
  SourceOptions options;
  options.platform = *Platform::parse("linux/arm64");
  auto src = open_image_source("oci:" + dir_.path() + "/layout", options);
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  const Image& image = (*images)[0].is_attestation ? (*images)[1] : (*images)[0];
  const Image& attestation = (*images)[0].is_attestation ? (*images)[0] : (*images)[1];
  EXPECT_EQ(image.platform.architecture, "arm64");
  EXPECT_TRUE(attestation.is_attestation);
  const auto& written = test::last_written_images();
  EXPECT_EQ(image.manifest_digest.str(), written[1].manifest.digest);
}

TEST(OciReference, TagSuffixSelectsTheRefName) {
  test::TempDir dir;
  test::write_oci_layout(dir.path() + "/layout", {image_named("v1"), image_named("v2")});
  auto src = open_image_source("oci:" + dir.path() + "/layout:v2", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  EXPECT_EQ(references(*images), (std::vector<std::string>{"v2"}));
}

TEST(DockerOciShape, ImageFilterUsesRepoTags) {
  test::TempDir dir;
  std::string path = dir.path() + "/two.tar";
  test::write_docker_archive(path, {image_named("test/app:1"), image_named("other/tool:2")},
                             test::DockerArchiveShape::kOciLayout);
  SourceOptions options;
  options.image_filter = "other/tool";
  auto src = open_image_source(path, options);
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  EXPECT_EQ(references(*images), (std::vector<std::string>{"other/tool:2"}));
  EXPECT_EQ((*images)[0].manifest_digest.str(), test::last_written_images()[1].manifest.digest);
}

}  // namespace
}  // namespace strata
