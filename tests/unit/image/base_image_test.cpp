#include "strata/image/base_image.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

Digest digest_of(char c) { return Digest{"sha256", std::string(64, c)}; }

// A string of the image's config or manifest (not of a history step).
ConfigString config_string(std::string location, std::string text) {
  ConfigString s;
  s.location = std::move(location);
  s.text = std::move(text);
  return s;
}

// Three layers: one from the base, two from the build (history: base step, ARG, COPY, RUN).
Image buildah_like_image() {
  Image image;
  image.reference = "app:1";
  image.history = {{"", "base rootfs", "", "", false},
                   {"", "/bin/sh -c #(nop) ARG X", "FROM docker.io/library/debian:12", "", true},
                   {"", "/bin/sh -c #(nop) COPY file:ab in /", "FROM 0123456789ab", "", false},
                   {"", "/bin/sh -c make", "FROM ba9876543210", "", false}};
  for (int i = 0; i < 3; ++i) {
    LayerInfo layer;
    layer.index = i;
    layer.blob.digest = digest_of(static_cast<char>('a' + i));
    layer.diff_id = digest_of(static_cast<char>('a' + i));
    layer.history_first = layer.history_last = i == 0 ? 0 : i + 1;
    image.layers.push_back(layer);
  }
  image.history_mapped = true;
  return image;
}

TEST(BaseImageTest, NothingRecordedMeansNoBase) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  EXPECT_FALSE(find_base_image(image).has_value());
}

TEST(BaseImageTest, BuildahHistoryCommentNamesTheBaseAndWhereTheBuildStarts) {
  auto base = find_base_image(buildah_like_image());
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->name, "docker.io/library/debian:12");
  EXPECT_EQ(base->first_own_step, 1);
  EXPECT_EQ(base->first_own_layer, 1);
}

TEST(BaseImageTest, AnnotationGivesNameAndDigest) {
  Image image = buildah_like_image();
  image.config_strings.push_back(config_string(
      "manifest.annotations.org.opencontainers.image.base.name", "docker.io/library/debian:12"));
  image.config_strings.push_back(
      config_string("manifest.annotations.org.opencontainers.image.base.digest",
                    "sha256:" + std::string(64, '9')));
  auto base = find_base_image(image);
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->digest, "sha256:" + std::string(64, '9'));
  EXPECT_EQ(base->first_own_layer, 1);
}

TEST(BaseImageTest, AnnotatedNameMustMatchTheHistoryComment) {
  Image image = buildah_like_image();
  image.config_strings.push_back(config_string("config.Labels.org.opencontainers.image.base.name",
                                               "registry.example/other:1"));
  auto base = find_base_image(image);
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->name, "registry.example/other:1");
  EXPECT_FALSE(base->first_own_step.has_value());
  EXPECT_FALSE(base->first_own_layer.has_value());
}

TEST(BaseImageTest, EmptyAnnotationDoesNotCount) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  image.config_strings.push_back(
      config_string("manifest.annotations.org.opencontainers.image.base.name", ""));
  EXPECT_FALSE(find_base_image(image).has_value());
}

TEST(BaseImageTest, BaseStoredBesideTheImageGivesItsLayerCount) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  image.config_strings.push_back(
      config_string("manifest.annotations.org.opencontainers.image.base.digest",
                    "sha256:" + std::string(64, '7')));
  Image base_image;
  base_image.manifest_digest = digest_of('7');
  base_image.layers = {image.layers[0], image.layers[1]};
  auto base = find_base_image(image, {image, base_image});
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->first_own_layer, 2);
}

TEST(BaseImageTest, StoredBaseWhoseLayersAreNotAPrefixIsIgnored) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  image.config_strings.push_back(
      config_string("manifest.annotations.org.opencontainers.image.base.digest",
                    "sha256:" + std::string(64, '7')));
  Image base_image;
  base_image.manifest_digest = digest_of('7');
  base_image.layers = {image.layers[1]};
  auto base = find_base_image(image, {image, base_image});
  ASSERT_TRUE(base.has_value());
  EXPECT_FALSE(base->first_own_layer.has_value());
}

TEST(BaseImageTest, ManifestAnnotationWinsOverAnInheritedLabel) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  image.config_strings.push_back(config_string("config.Labels.org.opencontainers.image.base.name",
                                               "docker.io/library/alpine:3"));
  image.config_strings.push_back(config_string(
      "manifest.annotations.org.opencontainers.image.base.name", "registry.example/base:2"));
  auto base = find_base_image(image);
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->name, "registry.example/base:2");
}

TEST(BaseImageTest, KeyedCopyOfAnEmptyAnnotationIsNotAName) {
  Image image = buildah_like_image();
  for (HistoryEntry& h : image.history) h.comment.clear();
  std::string key = "org.opencontainers.image.base.name";
  image.config_strings.push_back(config_string("manifest.annotations." + key, ""));
  image.config_strings.push_back(config_string("manifest.annotations." + key, key + ": "));
  EXPECT_FALSE(find_base_image(image).has_value());
}

// buildah without --layers: steps 1-3 are empty entries, the last one carries the squashed
// layer and the "FROM <base>" comment.
TEST(BaseImageTest, SquashedBuildStartsAfterTheBaseLayer) {
  Image image;
  image.history = {
      {"", "base rootfs", "", "", false},
      {"", "/bin/sh -c #(nop) COPY file:ab in /", "", "", true},
      {"", "/bin/sh -c make", "", "", true},
      {"", "/bin/sh -c #(nop) CMD [\"sh\"]", "FROM docker.io/library/debian:12", "", false}};
  LayerInfo base_layer;
  base_layer.index = 0;
  base_layer.history_first = base_layer.history_last = 0;
  LayerInfo squashed;
  squashed.index = 1;
  squashed.history_first = 1;
  squashed.history_last = 3;
  image.layers = {base_layer, squashed};
  image.history_mapped = true;
  auto base = find_base_image(image);
  ASSERT_TRUE(base.has_value());
  EXPECT_EQ(base->first_own_layer, 1);
  EXPECT_EQ(base->first_own_step, 1);
}

}  // namespace
}  // namespace strata
