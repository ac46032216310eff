#include "strata/scan/image_scanner.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/recording_sink.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TarWriter;
using test::TestImage;

// Test tokens: "tok_" and 20 characters, made at run time.
std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "9"; }

std::shared_ptr<const MatchEngine> one_rule_engine(const std::string& id,
                                                   const std::string& pattern) {
  Rule rule;
  rule.id = id;
  rule.name = id;
  rule.pattern = pattern;
  rule.severity = Severity::kHigh;
  RuleSet set;
  set.rules.push_back(rule);
  auto engine = MatchEngine::compile(set);
  EXPECT_TRUE(engine) << engine.error().message;
  return *engine;
}

std::shared_ptr<const MatchEngine> token_engine() {
  return one_rule_engine("test.token", "\\b(?P<secret>tok_[a-z0-9]{20})\\b");
}

// Four layers exercising every fate, a build arg in history and a secret in ENV.
TestImage leaky_image() {
  TestImage img;
  img.layers.push_back({TarWriter()
                            .add_dir("app")
                            .add_file("app/.env", "X=1\nTOKEN=" + token('a') + "\n")
                            .add_file("app/id_rsa", token('b'))
                            .add_dir("app/cache")
                            .add_file("app/cache/t", token('c'))
                            .finish(),
                        test::TestCompression::kGzip, ""});
  img.layers.push_back({TarWriter()
                            .add_whiteout("app/id_rsa")
                            .add_opaque("app/cache")
                            .add_file("app/config", "k=" + token('d'))
                            .finish(),
                        test::TestCompression::kZstd, ""});
  img.layers.push_back({TarWriter().add_file("./app/config", "nothing here").finish(),
                        test::TestCompression::kNone, ""});
  img.layers.push_back(
      {TarWriter().add_file("/app/.env", "X=1\nTOKEN=" + token('a') + "\n").finish(),
       test::TestCompression::kGzip, ""});
  img.config["config"]["Env"] = {"PATH=/bin", "API=" + token('e')};
  img.config["history"] = nlohmann::json::array(
      {{{"created_by", "ADD rootfs /"}},
       {{"created_by", "ARG TOKEN"}, {"empty_layer", true}},
       {{"created_by", "|1 TOKEN=" + token('f') + " /bin/sh -c rm /app/id_rsa"}},
       {{"created_by", "COPY config /app/"}},
       {{"created_by", "COPY .env /app/"}}});
  return img;
}

const Finding* find_secret(const ScanReport& r, const std::string& secret) {
  for (const Finding& f : r.findings) {
    if (f.secret.reveal() == secret) return &f;
  }
  return nullptr;
}

class ImageScannerTest : public ::testing::Test {
 protected:
  ScanReport scan(const std::string& target, int jobs = 2) {
    auto source = open_image_source(target, {});
    EXPECT_TRUE(source) << source.error().message;
    ScanOptions options;
    options.jobs = jobs;
    return scan_source(**source, *engine_, options);
  }

  std::shared_ptr<const MatchEngine> engine_ = token_engine();
  test::TempDir dir_;
};

TEST_F(ImageScannerTest, ReportsEveryFateAndConfigLocation) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  ScanReport r = scan("oci:" + dir_.path() + "/layout");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();

  const Finding* env = find_secret(r, token('a'));
  ASSERT_NE(env, nullptr);
  ASSERT_EQ(env->locations.size(), 2u);  // layer 0 and the identical rewrite in layer 3
  EXPECT_EQ(env->locations[0].path, "app/.env");
  EXPECT_EQ(env->locations[0].line, 2u);
  EXPECT_EQ(env->locations[0].column, 7u);
  EXPECT_EQ(env->locations[0].fate.kind, FateKind::kPresent);
  EXPECT_EQ(env->locations[0].history_step, 0);

  const Finding* key = find_secret(r, token('b'));
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->locations[0].fate.kind, FateKind::kDeleted);
  EXPECT_EQ(key->locations[0].fate.changed_in, 1);

  const Finding* cached = find_secret(r, token('c'));
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->locations[0].fate.kind, FateKind::kHiddenByOpaque);

  const Finding* config = find_secret(r, token('d'));
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->locations[0].fate.kind, FateKind::kOverwritten);
  EXPECT_EQ(config->locations[0].fate.changed_in, 2);
  EXPECT_EQ(config->locations[0].history_step, 2);  // the step after the empty ARG

  const Finding* env_var = find_secret(r, token('e'));
  ASSERT_NE(env_var, nullptr);
  EXPECT_EQ(env_var->locations[0].kind, LocationKind::kConfig);
  EXPECT_EQ(env_var->locations[0].config_location, "config.Env[1]");

  const Finding* arg = find_secret(r, token('f'));
  ASSERT_NE(arg, nullptr);
  EXPECT_EQ(arg->locations[0].build_arg, "TOKEN");
  EXPECT_EQ(arg->locations[0].history_step, 2);
  EXPECT_EQ(r.stats.layers, 4u);
}

// The sink overload sends what the report holds, in the report's order.
TEST_F(ImageScannerTest, SinkReceivesExactlyWhatTheReportHolds) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  ScanReport r = scan("oci:" + dir_.path() + "/layout");
  ASSERT_GE(r.findings.size(), 6u);
  auto source = open_image_source("oci:" + dir_.path() + "/layout", {});
  ASSERT_TRUE(source) << source.error().message;
  test::RecordingSink sink;
  std::vector<Image> images;
  ScanOptions options;
  options.jobs = 2;
  scan_source(**source, *engine_, options, sink, &images);
  EXPECT_EQ(sink.calls, test::expected_calls(r));
  EXPECT_EQ(images.size(), 1u);
}

TEST_F(ImageScannerTest, SameResultsWithOneOrTwoJobsAndInEveryShape) {
  auto img = leaky_image();
  test::write_oci_layout(dir_.path() + "/layout", {img});
  test::write_oci_archive(dir_.path() + "/x.oci.tar", {img});
  test::write_docker_archive(dir_.path() + "/x.docker.tar", {img},
                             test::DockerArchiveShape::kLegacy);
  auto key = [](const ScanReport& r) {
    std::set<std::tuple<std::string, std::string, int, std::string, int>> out;
    for (const Finding& f : r.findings) {
      for (const Location& l : f.locations) {
        out.emplace(f.rule_id, f.secret.reveal(), l.layer_index, l.path,
                    static_cast<int>(l.fate.kind));
      }
    }
    return out;
  };
  auto one = key(scan("oci:" + dir_.path() + "/layout", 1));
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, key(scan("oci:" + dir_.path() + "/layout", 2)));
  EXPECT_EQ(one, key(scan(dir_.path() + "/x.oci.tar")));
  EXPECT_EQ(one, key(scan(dir_.path() + "/x.docker.tar")));
}

// A layer's matches of one secret become one finding with a location each (built on every
// core past 256 matches), and every location keeps its own file, line and fate.
TEST_F(ImageScannerTest, ManyMatchesOfOneSecretAreOneFindingWithEveryLocation) {
  TarWriter files;
  files.add_dir("srv");
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) {
    std::string text = "a=" + token('a') + "\n";
    if (i % 2 == 0) text += "b=" + token('b') + "\nx\nb=" + token('b') + "\n";
    files.add_file("srv/f" + std::to_string(i), text);
  }
  TestImage img;
  img.layers.push_back({files.finish(), test::TestCompression::kGzip, ""});
  img.layers.push_back(
      {TarWriter().add_whiteout("srv/f0").finish(), test::TestCompression::kGzip, ""});
  test::write_oci_layout(dir_.path() + "/layout", {img});

  for (int jobs : {1, 2}) {
    ScanReport r = scan("oci:" + dir_.path() + "/layout", jobs);
    ASSERT_TRUE(r.errors.empty()) << r.errors.front();
    ASSERT_EQ(r.findings.size(), 2u);
    const Finding* a = find_secret(r, token('a'));
    const Finding* b = find_secret(r, token('b'));
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ASSERT_EQ(a->locations.size(), size_t{kFiles});
    ASSERT_EQ(b->locations.size(), size_t{kFiles});  // two in each of half the files
    std::set<std::string> paths;
    for (const Location& l : a->locations) {
      paths.insert(l.path);
      EXPECT_EQ(l.line, 1u);
      EXPECT_EQ(l.layer_index, 0);
      EXPECT_EQ(l.fate.kind, l.path == "srv/f0" ? FateKind::kDeleted : FateKind::kPresent)
          << l.path;
    }
    EXPECT_EQ(paths.size(), size_t{kFiles});
    std::map<std::string, std::vector<uint64_t>> lines_of;
    for (const Location& l : b->locations) lines_of[l.path].push_back(l.line);
    ASSERT_EQ(lines_of.size(), size_t{kFiles / 2});
    for (const auto& [path, lines] : lines_of) {
      EXPECT_EQ(lines, (std::vector<uint64_t>{2, 4})) << path;
      EXPECT_EQ(std::stoi(path.substr(5)) % 2, 0) << path;
    }
  }
}

TEST_F(ImageScannerTest, SharedLayerIsScannedOnce) {
  TestImage a = leaky_image();
  TestImage b = leaky_image();
  b.ref_name = "test/other:2";
  b.layers.resize(1);  // shares layer 0 with a
  b.config["history"] = nlohmann::json::array({{{"created_by", "ADD rootfs /"}}});
  test::write_docker_archive(dir_.path() + "/multi.tar", {a, b},
                             test::DockerArchiveShape::kOciLayout);
  ScanReport r = scan(dir_.path() + "/multi.tar");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(r.stats.layers, 4u);
  const Finding* env = find_secret(r, token('a'));
  ASSERT_NE(env, nullptr);
  std::set<std::string> images;
  for (const Location& l : env->locations) images.insert(l.image);
  EXPECT_EQ(images.size(), 2u);
}

// Two platforms of one index with the same layers: bytes and files are counted once, every
// image still gets its locations.
TEST_F(ImageScannerTest, LayersSharedByIndexImagesAreScannedOnce) {
  TestImage amd = leaky_image();
  TestImage arm = leaky_image();
  arm.architecture = "arm64";
  test::WriteOptions options;
  options.multi_platform_index = true;
  test::write_oci_layout(dir_.path() + "/one", {amd});
  test::write_oci_layout(dir_.path() + "/both", {amd, arm}, options);
  ScanReport one = scan("oci:" + dir_.path() + "/one");
  ScanReport both = scan("oci:" + dir_.path() + "/both");
  ASSERT_TRUE(both.errors.empty()) << both.errors.front();
  EXPECT_EQ(both.stats.images, 2u);
  EXPECT_EQ(both.stats.layers, one.stats.layers);
  EXPECT_EQ(both.stats.files, one.stats.files);
  EXPECT_EQ(both.stats.bytes_scanned, one.stats.bytes_scanned);
  const Finding* env = find_secret(both, token('a'));
  ASSERT_NE(env, nullptr);
  std::set<std::string> platforms;
  for (const Location& l : env->locations) platforms.insert(l.platform);
  EXPECT_EQ(platforms.size(), 2u);
}

TEST_F(ImageScannerTest, CorruptLayerIsAnErrorButOtherFindingsStand) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  const auto& written = test::last_written_images();
  ASSERT_EQ(written.size(), 1u);
  std::string blob = written[0].layers[1].digest.substr(7);
  std::string path = dir_.path() + "/layout/blobs/sha256/" + blob;
  std::string bytes = test::read_file(path);
  bytes[bytes.size() / 2] ^= 0x5a;
  test::write_file(path, bytes);
  ScanReport r = scan("oci:" + dir_.path() + "/layout");
  ASSERT_FALSE(r.errors.empty());
  bool named = false;
  for (const auto& e : r.errors) named = named || e.find(blob.substr(0, 12)) != std::string::npos;
  EXPECT_TRUE(named) << r.errors.front();
  EXPECT_NE(find_secret(r, token('a')), nullptr);
  EXPECT_NE(find_secret(r, token('e')), nullptr);
}

// A blob shorter or longer than its descriptor says is an error naming both sizes; the files
// read before the end of the blob still give their findings (a short blob is read whole before
// its size is known to be wrong).
TEST_F(ImageScannerTest, LayerSizeMismatchIsAnErrorButItsFindingsStand) {
  for (int64_t delta : {int64_t{1}, int64_t{-1}, (int64_t{1} << 62)}) {
    test::TempDir dir;
    test::write_oci_layout(dir.path() + "/layout", {leaky_image()});
    const test::WrittenBlob layer = test::last_written_images()[0].layers[0];
    int64_t claimed = delta == (int64_t{1} << 62) ? delta : layer.size + delta;
    test::edit_oci_manifest(dir.path() + "/layout",
                            [&](nlohmann::json& m) { m["layers"][0]["size"] = claimed; });
    for (int jobs : {1, 2}) {
      ScanReport r = scan("oci:" + dir.path() + "/layout", jobs);
      ASSERT_EQ(r.errors.size(), 1u) << claimed;
      EXPECT_NE(
          r.errors[0].find(layer.digest + ": size mismatch (expected " + std::to_string(claimed) +
                           " bytes, got " + std::to_string(layer.size) + ")"),
          std::string::npos)
          << r.errors[0];
      EXPECT_NE(find_secret(r, token('c')), nullptr) << "jobs " << jobs << ", claimed " << claimed;
    }
  }
}

// A foreign (non-distributable) layer the layout does not hold is listed as skipped, not an
// error; one it does hold is scanned like any other.
TEST_F(ImageScannerTest, ForeignLayerMissingFromTheLayoutIsSkippedAndListed) {
  test::TempDir dir;
  test::write_oci_layout(dir.path() + "/layout", {leaky_image()});
  const std::string absent = "sha256:" + std::string(64, 'b');
  const std::string foreign = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
  test::edit_oci_manifest(dir.path() + "/layout", [&](nlohmann::json& m) {
    m["layers"][0]["mediaType"] = foreign;  // held by the layout: scanned
    m["layers"].push_back({{"mediaType", foreign},
                           {"digest", absent},
                           {"size", 1234},
                           {"urls", {"https://example.com/layer"}}});
  });
  ScanReport r = scan("oci:" + dir.path() + "/layout");
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_NE(r.skipped[0].find(absent.substr(0, 19)), std::string::npos) << r.skipped[0];
  EXPECT_NE(r.skipped[0].find("foreign layer"), std::string::npos) << r.skipped[0];
  EXPECT_NE(find_secret(r, token('c')), nullptr);
}

// Thousands of distinct short secrets: those past the PBKDF2 cap get one-off fingerprints, and
// the report says how many.
TEST_F(ImageScannerTest, ShortSecretsPastTheFingerprintCapAreAWarning) {
  engine_ = one_rule_engine("test.short", "\\bpw=(?P<secret>[a-z0-9]{6})\\b");
  const size_t extra = 3;
  for (size_t file = 0, n = 0; n < kMaxSlowFingerprints + extra; ++file) {
    std::string text;
    for (int line = 0; line < 900 && n < kMaxSlowFingerprints + extra; ++line, ++n) {
      char value[8];
      std::snprintf(value, sizeof value, "q%05zu", n);
      text += std::string("pw=") + value + "\n";
    }
    test::write_file(dir_.path() + "/root/f" + std::to_string(file), text);
  }
  ScanReport r = scan(dir_.path() + "/root");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(r.findings.size(), kMaxSlowFingerprints + extra);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_TRUE(r.warnings[0].starts_with(std::to_string(extra) + " finding(s) past the first " +
                                        std::to_string(kMaxSlowFingerprints)))
      << r.warnings[0];
}

TEST_F(ImageScannerTest, DirectoryIsOneLayer) {
  test::write_file(dir_.path() + "/root/etc/app.conf", "secret=" + token('g') + "\n");
  ScanReport r = scan(dir_.path() + "/root");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Finding* f = find_secret(r, token('g'));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations[0].path, "etc/app.conf");
  EXPECT_EQ(f->locations[0].fate.kind, FateKind::kPresent);
}

TEST_F(ImageScannerTest, AttestationLayersAreScannedAsJson) {
  test::WriteOptions options;
  options.multi_platform_index = true;
  options.attestation_json =
      R"({"predicate":{"invocation":{"parameters":{"args":{"build-arg:TOKEN":")" + token('h') +
      R"("}}}}})";
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()}, options);
  ScanReport r = scan("oci:" + dir_.path() + "/layout");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Finding* f = find_secret(r, token('h'));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations[0].kind, LocationKind::kAttestation);
}

}  // namespace
}  // namespace strata

namespace strata {
namespace {

TEST(VerifyDiffIdsTest, MismatchIsAnErrorOnlyWhenAsked) {
  test::TempDir dir;
  TestImage img;
  img.layers.push_back({TarWriter().add_file("a.txt", "k=" + token('z')).finish(),
                        test::TestCompression::kGzip, ""});
  img.config["rootfs"] = {{"type", "layers"}, {"diff_ids", {sha256_of("not the layer").str()}}};
  test::write_oci_layout(dir.path() + "/layout", {img});
  auto engine = token_engine();
  for (bool verify : {false, true}) {
    auto source = open_image_source("oci:" + dir.path() + "/layout", {});
    ASSERT_TRUE(source) << source.error().message;
    ScanOptions options;
    options.verify_diff_ids = verify;
    ScanReport r = scan_source(**source, *engine, options);
    EXPECT_NE(find_secret(r, token('z')), nullptr);
    if (!verify) {
      EXPECT_TRUE(r.errors.empty());
    } else {
      ASSERT_EQ(r.errors.size(), 1u);
      EXPECT_NE(r.errors[0].find("diff_id"), std::string::npos) << r.errors[0];
    }
  }
}

}  // namespace
}  // namespace strata
