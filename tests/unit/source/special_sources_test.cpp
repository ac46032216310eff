// Sources that are not image layouts: a plain rootfs tar, a plain directory, stdin; and a
// layer whose media type lies about its compression.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "strata/core/digest.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

std::string rootfs_tar() {
  return test::TarWriter().add_dir("etc").add_file("etc/hostname", "box\n").finish();
}

Result<std::string> read_blob(const LayerInfo& layer) {
  auto stream = layer.layer->compressed();
  if (!stream) return fail(stream.error());
  return read_all(**stream, 1 << 24);
}

TEST(RootfsTar, IsOneLayerWhoseDigestIsTheFiles) {
  test::TempDir dir;
  std::string tar = rootfs_tar();
  test::write_file(dir.path() + "/rootfs.tar", tar);
  auto src = open_image_source(dir.path() + "/rootfs.tar", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  ASSERT_EQ((*images)[0].layers.size(), 1u);
  const LayerInfo& layer = (*images)[0].layers[0];
  EXPECT_EQ(layer.blob.digest, sha256_of(tar));
  EXPECT_EQ(layer.blob.size, static_cast<int64_t>(tar.size()));
  ASSERT_TRUE(layer.diff_id);
  EXPECT_EQ(*layer.diff_id, sha256_of(tar));
}

TEST(RootfsTar, BlobIsTheFile) {
  test::TempDir dir;
  std::string tar = rootfs_tar();
  test::write_file(dir.path() + "/rootfs.tar", tar);
  auto src = open_image_source(dir.path() + "/rootfs.tar", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  auto bytes = read_blob((*images)[0].layers[0]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar);
}

TEST(RootfsTar, GzippedTarIsOneLayerLeftCompressed) {
  test::TempDir dir;
  std::string gz = test::gzip_compress(rootfs_tar());
  test::write_file(dir.path() + "/rootfs.tar.gz", gz);
  auto src = open_image_source(dir.path() + "/rootfs.tar.gz", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  ASSERT_EQ((*images)[0].layers.size(), 1u);
  EXPECT_EQ((*images)[0].layers[0].blob.digest, sha256_of(gz));
  EXPECT_EQ(*read_blob((*images)[0].layers[0]), gz);
}

TEST(PlainDirectory, IsOneUnpackedLayer) {
  test::TempDir dir;
  test::write_file(dir.path() + "/root/etc/hostname", "box\n");
  auto src = open_image_source(dir.path() + "/root", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  ASSERT_EQ((*images)[0].layers.size(), 1u);
  const LayerInfo& layer = (*images)[0].layers[0];
  EXPECT_EQ(layer.layer->unpacked_root(), dir.path() + "/root");
  EXPECT_TRUE(layer.blob.media_type.empty());
  EXPECT_TRUE(layer.blob.annotations.empty());
  EXPECT_TRUE(layer.blob.digest.empty());
  // It has no blob, and says so rather than streaming nothing.
  auto blob = layer.layer->compressed();
  ASSERT_FALSE(blob);
  EXPECT_NE(blob.error().message.find("unpacked directory"), std::string::npos);
}

TEST(PlainDirectory, WithIndexAndLayoutIsAnOciLayout) {
  test::TempDir dir;
  test::TestImage img;
  img.layers.push_back({rootfs_tar(), test::TestCompression::kGzip, ""});
  test::write_oci_layout(dir.path() + "/layout", {img});
  auto src = open_image_source(dir.path() + "/layout", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  ASSERT_EQ((*images)[0].layers.size(), 1u);
  EXPECT_EQ((*images)[0].layers[0].blob.digest.str(),
            test::last_written_images()[0].layers[0].digest);
}

// Replaces fd 0 with a file for the life of the object.
class StdinFrom {
 public:
  explicit StdinFrom(const std::string& path) : saved_(::dup(STDIN_FILENO)) {
    int fd = ::open(path.c_str(), O_RDONLY);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
  }
  ~StdinFrom() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(Stdin, IsSpooledAndDetectedLikeAFile) {
  test::TempDir dir, spool;
  test::TestImage img;
  img.layers.push_back({rootfs_tar(), test::TestCompression::kGzip, ""});
  test::write_docker_archive(dir.path() + "/app.tar", {img}, test::DockerArchiveShape::kLegacy);
  SourceOptions options;
  options.temp_dir = spool.path();
  StdinFrom in(dir.path() + "/app.tar");
  auto src = open_image_source("-", options);
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  EXPECT_EQ((*images)[0].reference, "test/app:1");
  auto bytes = read_blob((*images)[0].layers[0]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, img.layers[0].tar);
}

// The spool has no name on disk (nothing to leave behind, even on SIGKILL), yet its layers
// read it for as long as they live, also after the source is gone.
TEST(Stdin, SpoolFileHasNoNameAndLivesAsLongAsTheLayers) {
  test::TempDir dir, spool;
  std::string tar = rootfs_tar();
  test::write_file(dir.path() + "/rootfs.tar", tar);
  SourceOptions options;
  options.temp_dir = spool.path();
  StdinFrom in(dir.path() + "/rootfs.tar");
  auto src = open_image_source("-", options);
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ(files_in(spool.path()), 0u);
  EXPECT_EQ((*src)->describe(), "stdin");
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  src->reset();
  auto bytes = read_blob((*images)[0].layers[0]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar);
}

TEST(ArchiveStream, IsSpooledWithoutANameAndNamedAsTheCallerSays) {
  test::TempDir dir, spool;
  test::TestImage img;
  img.layers.push_back({rootfs_tar(), test::TestCompression::kGzip, ""});
  test::write_docker_archive(dir.path() + "/app.tar", {img}, test::DockerArchiveShape::kLegacy);
  auto archive = read_whole_file(dir.path() + "/app.tar");
  ASSERT_TRUE(archive);
  SourceOptions options;
  options.temp_dir = spool.path();
  MemoryStream in(*archive);
  auto src = open_archive_stream(in, "docker-daemon:test/app:1", options);
  ASSERT_TRUE(src) << src.error().message;
  EXPECT_EQ((*src)->describe(), "docker-daemon:test/app:1");
  EXPECT_EQ(files_in(spool.path()), 0u);
  auto images = (*src)->images();
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 1u);
  auto bytes = read_blob((*images)[0].layers[0]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, img.layers[0].tar);
}

// A stream that fails part-way (a daemon that drops the connection).
class FailingStream final : public ByteStream {
 public:
  Result<size_t> read(char* buffer, size_t capacity) override {
    if (sent_) return fail("connection reset by peer");
    sent_ = true;
    std::memset(buffer, 'x', capacity);
    return capacity;
  }

 private:
  bool sent_ = false;
};

TEST(ArchiveStream, AFailingStreamIsAnErrorNamingTheSource) {
  test::TempDir spool;
  SourceOptions options;
  options.temp_dir = spool.path();
  FailingStream in;
  auto src = open_archive_stream(in, "podman:app:1", options);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("podman:app:1"), std::string::npos) << src.error().message;
  EXPECT_NE(src.error().message.find("connection reset"), std::string::npos) << src.error().message;
  EXPECT_EQ(files_in(spool.path()), 0u);
}

// A daemon's export cut short (no manifest.json at the end) must not pass for a plain tar.
TEST(ArchiveStream, TruncatedDockerArchiveIsNotReadAsARootfsTar) {
  test::TempDir dir, spool;
  test::TestImage img;
  img.layers.push_back({rootfs_tar(), test::TestCompression::kGzip, ""});
  test::WriteOptions last;
  last.metadata_last = true;  // as the Docker Engine and Podman export
  test::write_docker_archive(dir.path() + "/app.tar", {img}, test::DockerArchiveShape::kLegacy,
                             last);
  auto archive = read_whole_file(dir.path() + "/app.tar");
  ASSERT_TRUE(archive);
  auto at = archive->find("manifest.json");
  ASSERT_NE(at, std::string::npos);
  at -= at % 512;  // the start of its tar header
  SourceOptions options;
  options.temp_dir = spool.path();
  MemoryStream whole_as_any(archive->substr(0, at));
  EXPECT_TRUE(open_archive_stream(whole_as_any, "stdin", options)) << "a tar, read by content";
  MemoryStream cut(archive->substr(0, at));
  auto src = open_archive_stream(cut, "docker-daemon:test/app:1", options,
                                 StreamedArchive::kDockerArchive);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("docker-daemon:test/app:1: not a docker-archive"),
            std::string::npos)
      << src.error().message;
}

TEST(ArchiveStream, NotAnArchiveIsAnErrorNamingTheSourceNotATempPath) {
  test::TempDir spool;
  SourceOptions options;
  options.temp_dir = spool.path();
  MemoryStream in("this is not a tar");
  auto src = open_archive_stream(in, "podman:app:1", options);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("podman:app:1"), std::string::npos) << src.error().message;
  EXPECT_EQ(src.error().message.find("/proc/"), std::string::npos) << src.error().message;
}

TEST(Stdin, UnwritableSpoolDirIsAClearError) {
  test::TempDir dir;
  test::write_file(dir.path() + "/rootfs.tar", rootfs_tar());
  SourceOptions options;
  options.temp_dir = dir.path() + "/does-not-exist";
  StdinFrom in(dir.path() + "/rootfs.tar");
  auto src = open_image_source("-", options);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("does-not-exist"), std::string::npos) << src.error().message;
}

TEST(MislabelledLayer, UncompressedLayerLabelledGzipIsReturnedAsIs) {
  test::TempDir dir;
  test::TestImage img;
  std::string tar = rootfs_tar();
  img.layers.push_back(
      {tar, test::TestCompression::kNone, "application/vnd.oci.image.layer.v1.tar+gzip"});
  test::write_oci_layout(dir.path() + "/layout", {img});
  auto src = open_image_source("oci:" + dir.path() + "/layout", {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  const BlobDescriptor& blob = (*images)[0].layers[0].blob;
  EXPECT_EQ(blob.media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  auto bytes = read_blob((*images)[0].layers[0]);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar);
}

}  // namespace
}  // namespace strata
