// One suite every image source shape passes: OCI layout dir, oci-archive, docker-archive
// (legacy and Docker 25+), each with metadata first and last in the archive.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "strata/core/digest.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TestCompression;
using test::TestImage;

struct Shape {
  std::string name;
  // Writes the image under `root` and returns the reference to open.
  std::function<std::string(const std::string& root, const TestImage&, bool metadata_last)> write;
  bool legacy = false;     // layers stored uncompressed, no manifest digest
  bool directory = false;  // blobs are separate files
};

std::string layer_tar(int n) {
  return test::TarWriter()
      .add_file("layer" + std::to_string(n) + "/file.txt", "content of layer " + std::to_string(n))
      .add_dir("etc")
      .finish();
}

TestImage make_test_image() {
  TestImage img;
  img.layers.push_back({layer_tar(0), TestCompression::kGzip, ""});
  img.layers.push_back({layer_tar(1), TestCompression::kZstd, ""});
  img.layers.push_back({layer_tar(2), TestCompression::kNone, ""});
  img.config["config"]["Env"] = {"PATH=/usr/bin", std::string("APP_") + "MODE=prod"};
  img.config["history"] = nlohmann::json::array({
      {{"created_by", "ADD rootfs.tar /"}},
      {{"created_by", "ENV APP_MODE=prod"}, {"empty_layer", true}},
      {{"created_by", "COPY app /app"}},
      {{"created_by", "LABEL a=b"}, {"empty_layer", true}},
      {{"created_by", "RUN make"}},
  });
  return img;
}

std::vector<Shape> shapes() {
  std::vector<Shape> out;
  out.push_back({"OciDir",
                 [](const std::string& root, const TestImage& img, bool) {
                   test::write_oci_layout(root + "/layout", {img});
                   return "oci:" + root + "/layout";
                 },
                 false, true});
  out.push_back({"OciArchive", [](const std::string& root, const TestImage& img, bool last) {
                   test::WriteOptions o;
                   o.metadata_last = last;
                   test::write_oci_archive(root + "/app.oci.tar", {img}, o);
                   return root + "/app.oci.tar";
                 }});
  out.push_back({"DockerLegacy",
                 [](const std::string& root, const TestImage& img, bool last) {
                   test::WriteOptions o;
                   o.metadata_last = last;
                   test::write_docker_archive(root + "/app.tar", {img},
                                              test::DockerArchiveShape::kLegacy, o);
                   return root + "/app.tar";
                 },
                 true});
  out.push_back({"DockerOci", [](const std::string& root, const TestImage& img, bool last) {
                   test::WriteOptions o;
                   o.metadata_last = last;
                   test::write_docker_archive(root + "/app.tar", {img},
                                              test::DockerArchiveShape::kOciLayout, o);
                   return "docker-archive:" + root + "/app.tar";
                 }});
  return out;
}

struct Param {
  Shape shape;
  bool metadata_last;
};

std::vector<Param> params() {
  std::vector<Param> out;
  for (const Shape& s : shapes()) {
    out.push_back({s, false});
    if (!s.directory) out.push_back({s, true});
  }
  return out;
}

Result<std::string> read_blob(const LayerInfo& layer) {
  auto stream = layer.layer->compressed();
  if (!stream) return fail(stream.error());
  return read_all(**stream, 1 << 26);
}

class SourceConformance : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    image_ = make_test_image();
    reference_ = GetParam().shape.write(dir_.path(), image_, GetParam().metadata_last);
    written_ = test::last_written_images();
    ASSERT_EQ(written_.size(), 1u);
    auto src = open_image_source(reference_, {});
    ASSERT_TRUE(src) << src.error().message;
    source_ = std::move(*src);
    auto images = source_->images();
    ASSERT_TRUE(images) << images.error().message;
    images_ = std::move(*images);
    ASSERT_EQ(images_.size(), 1u);
  }

  const Image& image() const { return images_.front(); }

  // The file on disk that holds a blob's bytes (the archive itself, or a blob file).
  std::string file_holding(const std::string& digest) const {
    if (GetParam().shape.directory) return dir_.path() + "/layout/blobs/sha256/" + digest.substr(7);
    return reference_.substr(reference_.find('/'));
  }

  test::TempDir dir_;
  TestImage image_;
  std::string reference_;
  std::vector<test::WrittenImage> written_;
  std::unique_ptr<ImageSource> source_;
  std::vector<Image> images_;
};

TEST_P(SourceConformance, ListsTheImageByItsName) {
  EXPECT_EQ(image().reference, "test/app:1");
  EXPECT_EQ(image().source, reference_);
  EXPECT_FALSE(image().is_attestation);
}

TEST_P(SourceConformance, ReportsPlatformFromTheConfig) {
  EXPECT_EQ(image().platform.os, "linux");
  EXPECT_EQ(image().platform.architecture, "amd64");
}

TEST_P(SourceConformance, LayersAreInOrderWithWrittenDigests) {
  ASSERT_EQ(image().layers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const LayerInfo& layer = image().layers[i];
    EXPECT_EQ(layer.index, i);
    EXPECT_EQ(layer.blob.digest.str(), written_[0].layers[i].digest) << "layer " << i;
  }
}

TEST_P(SourceConformance, LayerSizesAreKnown) {
  ASSERT_EQ(image().layers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(image().layers[i].blob.size, written_[0].layers[i].size) << "layer " << i;
  }
}

TEST_P(SourceConformance, DiffIdsAreTheUncompressedTarDigests) {
  ASSERT_EQ(image().layers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(image().layers[i].diff_id) << "layer " << i;
    EXPECT_EQ(*image().layers[i].diff_id, sha256_of(image_.layers[i].tar)) << "layer " << i;
  }
}

TEST_P(SourceConformance, ConfigDigestIsTheWrittenOne) {
  EXPECT_EQ(image().config_digest.str(), written_[0].config.digest);
}

TEST_P(SourceConformance, ManifestDigestIsKnownUnlessLegacy) {
  if (GetParam().shape.legacy) {
    EXPECT_TRUE(image().manifest_digest.empty());
  } else {
    EXPECT_EQ(image().manifest_digest.str(), written_[0].manifest.digest);
  }
}

TEST_P(SourceConformance, HistoryIsMappedSkippingEmptyLayers) {
  ASSERT_EQ(image().history.size(), 5u);
  EXPECT_TRUE(image().history[1].empty_layer);
  ASSERT_TRUE(image().history_mapped);
  ASSERT_EQ(image().layers.size(), 3u);
  const int expected_last[] = {0, 2, 4};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(image().layers[i].history_last) << "layer " << i;
    EXPECT_EQ(*image().layers[i].history_last, expected_last[i]) << "layer " << i;
  }
}

TEST_P(SourceConformance, ConfigStringsIncludeEnv) {
  const std::string wanted = std::string("APP_") + "MODE=prod";
  auto it = std::find_if(image().config_strings.begin(), image().config_strings.end(),
                         [&](const ConfigString& s) { return s.text == wanted; });
  ASSERT_NE(it, image().config_strings.end());
  EXPECT_NE(it->location.find("Env"), std::string::npos) << it->location;
}

TEST_P(SourceConformance, BlobsReadBackAsWritten) {
  ASSERT_EQ(image().layers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto bytes = read_blob(image().layers[i]);
    ASSERT_TRUE(bytes) << "layer " << i << ": " << bytes.error().message;
    EXPECT_EQ(sha256_of(*bytes).str(), written_[0].layers[i].digest) << "layer " << i;
    EXPECT_EQ(static_cast<int64_t>(bytes->size()), written_[0].layers[i].size);
  }
  // The uncompressed layer is the tar itself, byte for byte, in every shape.
  EXPECT_EQ(*read_blob(image().layers[2]), image_.layers[2].tar);
}

TEST_P(SourceConformance, BlobsCanBeReadFromSeveralThreads) {
  ASSERT_EQ(image().layers.size(), 3u);
  std::vector<std::string> results(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        auto bytes = read_blob(image().layers[i]);
        results[i] = bytes ? sha256_of(*bytes).str() : bytes.error().message;
        if (!bytes) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(results[i], written_[0].layers[i].digest);
}

TEST_P(SourceConformance, CorruptedLayerFailsAtTheLastRead) {
  ASSERT_EQ(image().layers.size(), 3u);
  // Layer 2 is stored uncompressed in every shape, so its bytes can be found on disk.
  const std::string& tar = image_.layers[2].tar;
  std::string path = file_holding(written_[0].layers[2].digest);
  std::string bytes = test::read_file(path);
  size_t at = bytes.find(tar);
  ASSERT_NE(at, std::string::npos);
  bytes[at + tar.size() / 2] ^= 0x20;
  test::write_file(path, bytes);

  auto stream = image().layers[2].layer->compressed();
  ASSERT_TRUE(stream) << stream.error().message;
  char buf[4096];
  Result<size_t> n = size_t{0};
  for (int guard = 0; guard < 10000; ++guard) {
    n = (*stream)->read(buf, sizeof buf);
    if (!n || *n == 0) break;
  }
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("digest mismatch"), std::string::npos) << n.error().message;
}

TEST_P(SourceConformance, LayersOutliveTheirSource) {
  std::vector<Image> images = images_;
  source_.reset();
  images_.clear();
  auto bytes = read_blob(images[0].layers[2]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, image_.layers[2].tar);
}

TEST_P(SourceConformance, EveryLayerDescribesItsBlob) {
  for (const LayerInfo& layer : image().layers) {
    ASSERT_TRUE(layer.layer);
    EXPECT_EQ(layer.layer->descriptor().digest, layer.blob.digest);
    EXPECT_EQ(layer.layer->descriptor().size, layer.blob.size);
    EXPECT_EQ(layer.layer->key(), layer.blob.digest.str());
  }
}

TEST_P(SourceConformance, DescribeNamesWhatTheUserTyped) {
  EXPECT_EQ(source_->describe(), reference_);
}

INSTANTIATE_TEST_SUITE_P(Shapes, SourceConformance, ::testing::ValuesIn(params()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return info.param.shape.name +
                                  (info.param.metadata_last ? "MetadataLast" : "MetadataFirst");
                         });

}  // namespace
}  // namespace strata
