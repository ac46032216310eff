// Damaged images: whatever bytes are flipped or cut, a scan ends with findings and/or errors,
// never a crash or a hang (the ctest timeout guards the hang).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <new>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "strata/scan/image_scanner.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "7"; }

std::shared_ptr<const MatchEngine> engine() {
  Rule rule;
  rule.id = "test.token";
  rule.name = "test token";
  rule.pattern = "\\b(?P<secret>tok_[a-z0-9]{20})\\b";
  RuleSet set;
  set.rules.push_back(rule);
  return *MatchEngine::compile(set);
}

std::string make_archive(const std::string& dir, test::DockerArchiveShape shape) {
  test::TestImage img;
  std::string big(200000, 'x');
  img.layers.push_back({test::TarWriter()
                            .add_file("a/one", "t=" + token('a') + "\n" + big)
                            .add_file("a/two", big + token('b'))
                            .finish(),
                        test::TestCompression::kGzip, ""});
  img.layers.push_back({test::TarWriter().add_whiteout("a/one").add_file("b", token('c')).finish(),
                        test::TestCompression::kZstd, ""});
  img.config["config"]["Env"] = {"T=" + token('d')};
  std::string path = dir + "/image.tar";
  test::write_docker_archive(path, {img}, shape);
  return path;
}

ScanReport scan_bytes(const std::string& path, const std::string& bytes, const MatchEngine& e) {
  test::write_file(path, bytes);
  auto source = open_image_source(path, {});
  if (!source) {
    ScanReport r;
    r.errors.push_back(source.error().message);
    return r;
  }
  return scan_source(**source, e, ScanOptions{});
}

class DamagedImageTest : public ::testing::TestWithParam<test::DockerArchiveShape> {};

TEST_P(DamagedImageTest, FlippedBytesNeverCrash) {
  test::TempDir dir;
  std::string original = test::read_file(make_archive(dir.path(), GetParam()));
  auto e = engine();
  std::mt19937 rng(12345);
  int incomplete = 0;
  for (int round = 0; round < 150; ++round) {
    std::string bytes = original;
    size_t pos = rng() % bytes.size();
    bytes[pos] = static_cast<char>(bytes[pos] ^ (1 + rng() % 255));
    ScanReport r = scan_bytes(dir.path() + "/damaged.tar", bytes, *e);
    // A flip either hits padding (clean scan) or is detected (digest or parse error).
    if (!r.errors.empty()) ++incomplete;
    // Undetected flips can only hit unverified bytes (padding, tar header fields, legacy
    // json), so every secret of the verified blobs must still be found.
    if (r.errors.empty()) {
      std::set<std::string> found;
      for (const Finding& f : r.findings) found.insert(f.secret.reveal());
      for (char c : {'a', 'c', 'd'}) EXPECT_TRUE(found.count(token(c))) << "flip at " << pos;
    }
  }
  EXPECT_GT(incomplete, 0);
}

TEST_P(DamagedImageTest, TruncationsNeverCrash) {
  test::TempDir dir;
  std::string original = test::read_file(make_archive(dir.path(), GetParam()));
  auto e = engine();
  // Past the last member's data there are only zeros (padding, end-of-archive blocks):
  // cutting those loses nothing.
  size_t data_end = original.find_last_not_of('\0') + 1;
  for (size_t cut = 0; cut < data_end; cut += data_end / 97 + 1) {
    ScanReport r = scan_bytes(dir.path() + "/cut.tar", original.substr(0, cut), *e);
    EXPECT_FALSE(r.errors.empty()) << "cut at " << cut << " of " << original.size();
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, DamagedImageTest,
                         ::testing::Values(test::DockerArchiveShape::kLegacy,
                                           test::DockerArchiveShape::kOciLayout));

// A real source whose one layer fails by throwing: when opened, or midway through its bytes.
// Sources to come (registries, daemons) parse JSON and allocate on the scan's worker threads.
class ThrowingSource final : public ImageSource {
 public:
  enum class When { kOpening, kReading };
  ThrowingSource(ImageSource& inner, std::string digest, When when)
      : inner_(inner), digest_(std::move(digest)), when_(when) {}
  Result<std::vector<Image>> images() override {
    auto images = inner_.images();
    if (!images) return images;
    for (Image& image : *images) {
      for (LayerInfo& layer : image.layers) {
        if (layer.blob.digest.str() == digest_) {
          layer.layer = std::make_shared<ThrowingLayer>(layer.layer, when_);
        }
      }
    }
    return images;
  }
  std::string describe() const override { return inner_.describe(); }

 private:
  class ThrowingLayer final : public Layer {
   public:
    ThrowingLayer(std::shared_ptr<const Layer> inner, When when)
        : Layer(inner->descriptor()), inner_(std::move(inner)), when_(when) {}
    Result<std::unique_ptr<ByteStream>> compressed() const override {
      if (when_ == When::kOpening) {
        // What a source misreading its JSON throws.
        return fail(nlohmann::json(42).get<std::string>());
      }
      auto stream = inner_->compressed();
      if (!stream) return stream;
      return std::unique_ptr<ByteStream>(std::make_unique<ThrowingAfter>(std::move(*stream)));
    }

   private:
    std::shared_ptr<const Layer> inner_;
    When when_;
  };

  // The inner stream's first bytes, then std::bad_alloc.
  class ThrowingAfter final : public ByteStream {
   public:
    explicit ThrowingAfter(std::unique_ptr<ByteStream> inner) : inner_(std::move(inner)) {}
    Result<size_t> read(char* buffer, size_t capacity) override {
      if (given_ > 1000) throw std::bad_alloc();
      auto n = inner_->read(buffer, std::min<size_t>(capacity, 512));
      if (n) given_ += *n;
      return n;
    }

   private:
    std::unique_ptr<ByteStream> inner_;
    size_t given_ = 0;
  };

  ImageSource& inner_;
  std::string digest_;
  When when_;
};

// An exception while a worker scans a layer fails that layer with an error naming it (exit 2
// for the CLI); the process goes on, and the other layers' findings stand. With one job the
// layers are scanned inline, with two on worker threads.
TEST(ThrowingSourceTest, AnExceptionInALayersScanIsThatLayersError) {
  test::TempDir dir;
  test::TestImage img;
  img.layers.push_back({test::TarWriter().add_file("a/one", "t=" + token('a')).finish(),
                        test::TestCompression::kGzip, ""});
  // Uncompressed, so the secret lies far past where the stream throws.
  img.layers.push_back(
      {test::TarWriter().add_file("b/two", std::string(300000, 'x') + token('b')).finish(),
       test::TestCompression::kNone, ""});
  test::write_oci_layout(dir.path() + "/layout", {img});
  std::string failing = test::last_written_images().at(0).layers.at(1).digest;
  auto e = engine();
  for (auto when : {ThrowingSource::When::kOpening, ThrowingSource::When::kReading}) {
    for (int jobs : {1, 2}) {
      auto inner = open_image_source("oci:" + dir.path() + "/layout", {});
      ASSERT_TRUE(inner) << inner.error().message;
      ThrowingSource source(**inner, failing, when);
      ScanOptions options;
      options.jobs = jobs;
      ScanReport r = scan_source(source, *e, options);
      ASSERT_EQ(r.errors.size(), 1u) << "jobs " << jobs;
      const std::string& error = r.errors[0];
      EXPECT_NE(error.find(failing.substr(7, 12)), std::string::npos) << error;
      EXPECT_NE(
          error.find(when == ThrowingSource::When::kOpening ? "type must be string" : "bad_alloc"),
          std::string::npos)
          << error;
      std::set<std::string> found;
      for (const Finding& f : r.findings) found.insert(f.secret.reveal());
      EXPECT_TRUE(found.count(token('a'))) << "jobs " << jobs;
      EXPECT_FALSE(found.count(token('b'))) << "jobs " << jobs;
    }
  }
}

}  // namespace
}  // namespace strata
