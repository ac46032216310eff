// The layer cache seam (strata/scan/layer_cache.hpp) and the payload it carries: a layer found
// in the cache is not read, and the image's findings, fates and history are what a fresh scan
// gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "layer_result_codec.hpp"
#include "strata/scan/image_scanner.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TarWriter;
using test::TestImage;

std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "9"; }

std::shared_ptr<const MatchEngine> token_engine() {
  Rule rule;
  rule.id = "test.token";
  rule.name = "test token";
  rule.pattern = "\\b(?P<secret>tok_[a-z0-9]{20})\\b";
  rule.severity = Severity::kHigh;
  rule.allow = {"^tok_z+9$"};
  RuleSet set;
  set.rules.push_back(rule);
  auto engine = MatchEngine::compile(set);
  EXPECT_TRUE(engine) << engine.error().message;
  return *engine;
}

// Layers that give every fate, an allowed (suppressed) match, a secret file and a build arg.
TestImage leaky_image() {
  TestImage img;
  img.layers.push_back({TarWriter()
                            .add_dir("app")
                            .add_file("app/.env", "X=1\nTOKEN=" + token('a') + "\n")
                            .add_file("app/id_rsa", token('b'))
                            .add_dir("app/cache")
                            .add_file("app/cache/t", token('c') + " " + token('z'))
                            .finish(),
                        test::TestCompression::kGzip, ""});
  img.layers.push_back({TarWriter()
                            .add_whiteout("app/id_rsa")
                            .add_opaque("app/cache")
                            .add_file("app/config", "k=" + token('d'))
                            .finish(),
                        test::TestCompression::kZstd, ""});
  img.layers.push_back(
      {TarWriter().add_file("app/config", "nothing").finish(), test::TestCompression::kNone, ""});
  img.config["history"] = nlohmann::json::array(
      {{{"created_by", "ADD rootfs /"}},
       {{"created_by", "|1 TOKEN=" + token('f') + " /bin/sh -c rm /app/id_rsa"}},
       {{"created_by", "COPY config /app/"}}});
  return img;
}

// An in-memory cache: the seam's contract without a database (the store's is tested with the
// CLI in tests/integration/store_query_test.cpp).
class MapCache : public LayerScanCache {
 public:
  Result<std::optional<std::string>> find(const std::string& digest) override {
    ++finds;
    if (fail_finds) return fail("the store is locked");
    auto it = payloads.find(digest);
    if (it == payloads.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status put(const std::string& digest, const std::string& payload,
             const std::vector<Finding>& findings) override {
    payloads[digest] = payload;
    findings_of[digest] = findings;
    return {};
  }
  std::map<std::string, std::string> payloads;
  std::map<std::string, std::vector<Finding>> findings_of;
  int finds = 0;
  bool fail_finds = false;
};

using LocationKey = std::tuple<std::string, std::string, std::string, int, int, std::string,
                               uint64_t, uint64_t, int, int, int, std::string, bool>;

// Everything a report says of each location.
std::vector<LocationKey> locations(const ScanReport& r) {
  std::vector<LocationKey> out;
  for (const Finding& f : r.findings) {
    for (const Location& l : f.locations) {
      out.emplace_back(f.rule_id, f.secret.reveal(), f.fingerprint, static_cast<int>(l.kind),
                       l.layer_index, l.path, l.line, l.column, static_cast<int>(l.fate.kind),
                       l.fate.changed_in.value_or(-1), l.history_step.value_or(-1), l.build_arg,
                       f.suppression.has_value());
    }
  }
  return out;
}

// Removes the layout's layer blobs (every blob that is not a JSON document).
int remove_layer_blobs(const std::string& layout) {
  int removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(layout + "/blobs/sha256")) {
    std::ifstream in(entry.path(), std::ios::binary);
    if (in.get() == '{') continue;
    std::filesystem::remove(entry.path());
    ++removed;
  }
  return removed;
}

class LayerCacheTest : public ::testing::Test {
 protected:
  ScanReport scan(LayerScanCache* cache) {
    auto source = open_image_source("oci:" + dir_.path() + "/layout", {});
    EXPECT_TRUE(source) << source.error().message;
    ScanOptions options;
    options.jobs = 2;
    options.layer_cache = cache;
    return scan_source(**source, *engine_, options);
  }
  std::shared_ptr<const MatchEngine> engine_ = token_engine();
  test::TempDir dir_;
};

TEST_F(LayerCacheTest, LayersFoundInTheCacheAreNotReadAndGiveTheSameReport) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  MapCache cache;
  ScanReport first = scan(&cache);
  ASSERT_TRUE(first.errors.empty()) << first.errors.front();
  EXPECT_EQ(cache.payloads.size(), 3u);
  EXPECT_EQ(first.stats.layers_cached, 0u);
  ScanReport uncached = scan(nullptr);

  ASSERT_EQ(remove_layer_blobs(dir_.path() + "/layout"), 3);
  ScanReport second = scan(&cache);
  ASSERT_TRUE(second.errors.empty()) << second.errors.front();
  EXPECT_EQ(second.stats.layers_cached, 3u);
  EXPECT_EQ(locations(second), locations(first));
  EXPECT_EQ(locations(first), locations(uncached));
  EXPECT_EQ(second.stats.files, first.stats.files);
  EXPECT_GE(locations(first).size(), 5u);  // every fate, the suppressed match, the build arg
  // Without the cache the blobs are missed: the test would catch a scan that reads them.
  EXPECT_FALSE(scan(nullptr).errors.empty());
}

// Each layer's findings carry the merged fingerprints and a location per match in that layer.
TEST_F(LayerCacheTest, EachLayersFindingsAreFingerprintedWithTheirPathAndLine) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  MapCache cache;
  ScanReport report = scan(&cache);
  std::map<std::string, std::string> fingerprint_of;
  for (const Finding& f : report.findings) fingerprint_of[f.secret.reveal()] = f.fingerprint;
  size_t seen = 0;
  for (const auto& [digest, findings] : cache.findings_of) {
    for (const Finding& f : findings) {
      EXPECT_EQ(f.fingerprint, fingerprint_of[f.secret.reveal()]);
      for (const Location& l : f.locations) {
        EXPECT_EQ(l.layer_digest, digest);
        if (f.secret.reveal() == token('a')) {
          EXPECT_EQ(l.path, "app/.env");
          EXPECT_EQ(l.line, 2u);
        }
        ++seen;
      }
    }
  }
  EXPECT_EQ(seen, 5u);  // a, b, c, z (allowed, kept suppressed) and d
}

// scan_sources (a sweep's batch): a layer two sources share is scanned and put once, and each
// source gets the report scan_source gives it alone.
TEST_F(LayerCacheTest, SourcesScannedTogetherShareLayersAndGiveEachItsOwnReport) {
  TestImage other = leaky_image();
  other.layers.resize(1);  // the same first layer
  other.layers.push_back({TarWriter().add_file("srv/key", "k=" + token('e')).finish(),
                          test::TestCompression::kGzip, ""});
  other.config["history"] =
      nlohmann::json::array({{{"created_by", "ADD rootfs /"}}, {{"created_by", "COPY key /srv/"}}});
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  test::write_oci_layout(dir_.path() + "/other", {other});
  auto open = [&](const std::string& name) {
    auto source = open_image_source("oci:" + dir_.path() + "/" + name, {});
    EXPECT_TRUE(source) << source.error().message;
    return std::move(*source);
  };
  ScanOptions options;
  options.jobs = 2;
  std::vector<ScanReport> alone;
  for (const char* name : {"layout", "other"})
    alone.push_back(scan_source(*open(name), *engine_, options));

  class CountingCache : public MapCache {
   public:
    Status put(const std::string& digest, const std::string& payload,
               const std::vector<Finding>& findings) override {
      ++puts;
      return MapCache::put(digest, payload, findings);
    }
    int puts = 0;
  } cache;
  options.layer_cache = &cache;
  auto first = open("layout"), second = open("other");
  std::vector<std::vector<Image>> images;
  std::vector<ScanReport> together =
      scan_sources({first.get(), second.get()}, *engine_, options, &images);
  ASSERT_EQ(together.size(), 2u);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(cache.puts, 4);  // three layers, then the other image's own one
  EXPECT_EQ(cache.payloads.size(), 4u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(together[i].errors.empty()) << together[i].errors.front();
    EXPECT_EQ(locations(together[i]), locations(alone[i])) << i;
    EXPECT_EQ(together[i].stats.layers, alone[i].stats.layers) << i;
    EXPECT_EQ(together[i].stats.files, alone[i].stats.files) << i;
    EXPECT_EQ(images[i].size(), 1u);
  }
  EXPECT_EQ(together[1].stats.layers, 2u);
  EXPECT_FALSE(locations(together[1]).empty());
}

TEST_F(LayerCacheTest, ACacheThatFailsIsAWarningAndTheLayersAreScanned) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  MapCache cache;
  cache.fail_finds = true;
  ScanReport report = scan(&cache);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.warnings.size(), 3u);
  EXPECT_EQ(locations(report), locations(scan(nullptr)));
}

TEST_F(LayerCacheTest, AnUnreadablePayloadIsScannedAgain) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  MapCache cache;
  ScanReport first = scan(&cache);
  for (auto& [digest, payload] : cache.payloads) payload = payload.substr(0, payload.size() / 2);
  ScanReport second = scan(&cache);
  EXPECT_EQ(second.stats.layers_cached, 0u);
  EXPECT_EQ(locations(second), locations(first));
}

TEST_F(LayerCacheTest, AnIncompleteLayerIsNotKept) {
  test::write_oci_layout(dir_.path() + "/layout", {leaky_image()});
  std::string path = dir_.path() + "/layout/blobs/sha256/" +
                     test::last_written_images()[0].layers[1].digest.substr(7);
  std::string bytes = test::read_file(path);
  bytes[bytes.size() / 2] ^= 0x5a;
  test::write_file(path, bytes);
  MapCache cache;
  ScanReport report = scan(&cache);
  EXPECT_FALSE(report.errors.empty());
  EXPECT_EQ(cache.payloads.size(), 2u);
}

TEST(LayerResultCodec, RejectsTruncatedOrForeignBytesAndUnknownRules) {
  RuleSet rules;
  Rule rule;
  rule.id = "test.token";
  rule.allow = {"^s$"};
  rules.rules.push_back(rule);
  LayerScanResult result;
  SecretMatch match;
  match.secret = "s";
  match.allowed_by = 0;
  result.matches.push_back(FileMatch{"a/b", match});
  result.footprint.entries[path_key("a/b")] = LayerEntry{EntryType::kFile, 3, 7};
  result.footprint.whiteouts.insert(path_key("c"));
  result.stats.skipped = {"x: too big"};
  std::string bytes = encode_layer_result(result, rules);
  auto back = decode_layer_result(bytes, rules);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->matches[0].path, "a/b");
  EXPECT_EQ(back->matches[0].match.secret, "s");
  EXPECT_EQ(back->matches[0].match.allowed_by, std::optional<size_t>(0));
  ASSERT_NE(back->footprint.entry("a/b"), nullptr);
  EXPECT_EQ(back->footprint.entry("a/b")->size, 3);
  EXPECT_TRUE(back->footprint.whiteout("c"));
  EXPECT_EQ(back->stats.skipped, result.stats.skipped);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decode_layer_result(bytes.substr(0, cut), rules)) << cut;
  }
  EXPECT_FALSE(decode_layer_result(bytes + "x", rules));
  RuleSet other;
  Rule renamed = rule;
  renamed.id = "test.other";
  other.rules.push_back(renamed);
  EXPECT_FALSE(decode_layer_result(bytes, other));
}

}  // namespace
}  // namespace strata
