// Hand-built legacy docker-archives: the member shapes real `docker save` versions produce
// (symlinked and hardlinked layer.tar, "./" names, GNU long names, <id>/json metadata).
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "strata/core/digest.hpp"
#include "strata/source/open_source.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

std::string layer_tar() { return test::TarWriter().add_file("app/run.sh", "echo hi\n").finish(); }

std::string config_for(const std::string& tar) {
  return json{{"architecture", "amd64"},
              {"os", "linux"},
              {"config", {{"Env", {"A=b"}}}},
              {"history", {{{"created_by", "COPY run.sh /app/"}}}},
              {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_of(tar).str()}}}}}
      .dump();
}

std::string manifest_for(const std::string& config_name, const std::string& layer_name) {
  return json::array(
             {{{"Config", config_name}, {"RepoTags", {"hand/made:1"}}, {"Layers", {layer_name}}}})
      .dump();
}

// A GNU tar written by hand: 'L' long-name records, GNU magic.
class GnuTar {
 public:
  GnuTar& file(const std::string& name, const std::string& data, char type = '0',
               const std::string& link = "") {
    if (name.size() >= 100) {
      header("././@LongLink", name.size() + 1, 'L', "");
      payload(name + '\0');
    }
    header(name.substr(0, 99), type == '0' ? data.size() : 0, type, link);
    if (type == '0') payload(data);
    return *this;
  }
  std::string finish() { return out_ + std::string(1024, '\0'); }

 private:
  void header(const std::string& name, size_t size, char type, const std::string& link) {
    char h[512] = {};
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 108, 8, "%07o", 0);
    std::snprintf(h + 116, 8, "%07o", 0);
    std::snprintf(h + 124, 12, "%011zo", size);
    std::snprintf(h + 136, 12, "%011o", 0);
    h[156] = type;
    std::memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 100));
    std::memcpy(h + 257, "ustar  ", 8);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    out_.append(h, 512);
  }
  void payload(const std::string& data) {
    out_ += data;
    out_.append((512 - data.size() % 512) % 512, '\0');
  }
  std::string out_;
};

Result<std::string> read_layer(const std::string& path) {
  auto src = open_image_source(path, {});
  if (!src) return fail(src.error());
  auto images = (*src)->images();
  if (!images) return fail(images.error());
  if (images->size() != 1 || (*images)[0].layers.size() != 1) return fail("unexpected shape");
  auto stream = (*images)[0].layers[0].layer->compressed();
  if (!stream) return fail(stream.error());
  return read_all(**stream, 1 << 20);
}

class HandBuiltArchive : public ::testing::Test {
 protected:
  void SetUp() override {
    tar_ = layer_tar();
    config_ = config_for(tar_);
    config_name_ = sha256_of(config_).hex + ".json";
    path_ = dir_.path() + "/app.tar";
  }
  test::TempDir dir_;
  std::string tar_, config_, config_name_, path_;
};

TEST_F(HandBuiltArchive, SymlinkedLayerTarResolvesToItsTarget) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_);
  t.add_symlink("abc/layer.tar", "../def/layer.tar");
  t.add_file("def/layer.tar", tar_);
  test::write_file(path_, t.finish());
  auto bytes = read_layer(path_);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar_);
}

TEST_F(HandBuiltArchive, HardlinkedLayerTarResolvesToItsTarget) {
  test::TarWriter t;
  t.add_file("def/layer.tar", tar_);
  t.add_hardlink("abc/layer.tar", "def/layer.tar");
  t.add_file(config_name_, config_);
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  test::write_file(path_, t.finish());
  auto bytes = read_layer(path_);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar_);
}

TEST_F(HandBuiltArchive, DotSlashMemberNamesAreNormalized) {
  test::TarWriter t;
  t.add_file("./manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file("./" + config_name_, config_);
  t.add_file("./abc/layer.tar", tar_);
  test::write_file(path_, t.finish());
  auto bytes = read_layer(path_);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar_);
}

TEST_F(HandBuiltArchive, GnuLongNamesAreFollowed) {
  std::string id(120, 'e');
  std::string archive = GnuTar()
                            .file(id + "/layer.tar", tar_)
                            .file(config_name_, config_)
                            .file("manifest.json", manifest_for(config_name_, id + "/layer.tar"))
                            .finish();
  test::write_file(path_, archive);
  auto bytes = read_layer(path_);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar_);
}

TEST_F(HandBuiltArchive, GnuSymlinkToLayerIsFollowed) {
  std::string archive = GnuTar()
                            .file("real.tar", tar_)
                            .file("abc/layer.tar", "", '2', "../real.tar")
                            .file(config_name_, config_)
                            .file("manifest.json", manifest_for(config_name_, "abc/layer.tar"))
                            .finish();
  test::write_file(path_, archive);
  auto bytes = read_layer(path_);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(*bytes, tar_);
}

TEST_F(HandBuiltArchive, LegacyJsonStringsAreConfigStrings) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_);
  t.add_file("abc/layer.tar", tar_);
  t.add_file("abc/json", json{{"id", "abc"}, {"config", {{"Env", {"LEGACY=1"}}}}}.dump());
  test::write_file(path_, t.finish());
  auto src = open_image_source(path_, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  bool found = false;
  for (const ConfigString& s : (*images)[0].config_strings) {
    if (s.text == "LEGACY=1") {
      found = true;
      EXPECT_TRUE(s.location.starts_with("legacy-json abc")) << s.location;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(HandBuiltArchive, LayerDigestIsTheDiffId) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_);
  t.add_file("abc/layer.tar", tar_);
  test::write_file(path_, t.finish());
  auto src = open_image_source(path_, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  const LayerInfo& layer = (*images)[0].layers[0];
  EXPECT_EQ(layer.blob.digest, sha256_of(tar_));
  EXPECT_EQ(layer.blob.size, static_cast<int64_t>(tar_.size()));
  EXPECT_EQ((*images)[0].config_digest, sha256_of(config_));
}

TEST_F(HandBuiltArchive, ConfigNotMatchingItsNameIsRejected) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_ + " ");
  t.add_file("abc/layer.tar", tar_);
  test::write_file(path_, t.finish());
  auto src = open_image_source(path_, {});
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("digest mismatch"), std::string::npos) << src.error().message;
}

TEST_F(HandBuiltArchive, LayerNotMatchingTheDiffIdFailsAtTheEnd) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_);
  t.add_file("abc/layer.tar", test::TarWriter().add_file("other", "x").finish());
  test::write_file(path_, t.finish());
  auto bytes = read_layer(path_);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find("digest mismatch"), std::string::npos)
      << bytes.error().message;
}

TEST_F(HandBuiltArchive, MissingLayerMemberNamesTheLayer) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file(config_name_, config_);
  test::write_file(path_, t.finish());
  auto src = open_image_source(path_, {});
  ASSERT_TRUE(src) << src.error().message;
  auto images = (*src)->images();
  ASSERT_TRUE(images);
  auto stream = (*images)[0].layers[0].layer->compressed();
  ASSERT_FALSE(stream);
  EXPECT_NE(stream.error().message.find("missing blob " + sha256_of(tar_).str() +
                                        " (layer 1 of hand/made:1)"),
            std::string::npos)
      << stream.error().message;
}

TEST_F(HandBuiltArchive, MissingConfigIsAnError) {
  test::TarWriter t;
  t.add_file("manifest.json", manifest_for(config_name_, "abc/layer.tar"));
  t.add_file("abc/layer.tar", tar_);
  test::write_file(path_, t.finish());
  auto src = open_image_source(path_, {});
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find(config_name_), std::string::npos) << src.error().message;
}

}  // namespace
}  // namespace strata
