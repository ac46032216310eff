// Hostile images, built on the fly and scanned by the real binary: index loops and 100-deep
// manifest lists, descriptor sizes of 2^62, a gzip layer of 10 GiB of zeros, a 42.zip-style
// nested zip bomb, 10,000-deep directories, a million empty files, hard-link and symlink
// loops, a 4 GiB file. Each must end in a clear error (exit 2) or a listed skip, within the
// README's limits ("Limits": time and peak RSS), without a crash or a hang, and the secrets
// planted around the hostile part must still be found.
#include "support/hostile_images.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "strata/core/digest.hpp"
#include "support/sanitizers.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"
#include "support/ustar_header.hpp"

namespace strata::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// The README's memory bound for any scan ("Limits").
constexpr double kPeakRssLimitMib = 256;

struct Scan {
  RunResult run;
  json report;

  // Paths (or config locations) where the secret `value` was found.
  std::vector<std::string> places_of(const std::string& value) const {
    std::vector<std::string> out;
    for (const json& f : report.value("findings", json::array())) {
      if (f["secret"].value("value", "") != value) continue;
      for (const json& l : f["locations"]) out.push_back(l.value("path", ""));
    }
    return out;
  }
  bool found(const std::string& value) const { return !places_of(value).empty(); }
  bool skipped(const std::string& part) const { return listed("skipped", part); }
  bool error(const std::string& part) const { return listed("errors", part); }
  bool listed(const char* key, const std::string& part) const {
    for (const json& s : report.value(key, json::array())) {
      if (s.get<std::string>().find(part) != std::string::npos) return true;
    }
    return false;
  }
};

std::string head_of(const std::string& text) { return text.substr(0, 4000); }

// `strata scan TARGET --format json --reveal`: no crash, no hang, memory within the limit,
// the expected exit code, and a JSON report.
Scan scan(const std::string& target, int expected_exit, int timeout_seconds = 120) {
  Scan s;
  s.run = run_strata({"scan", target, "--format", "json", "--reveal", "--no-progress"}, "",
                     timeout_seconds);
  EXPECT_EQ(s.run.exit_code, expected_exit) << head_of(s.run.err);
  // AddressSanitizer's shadow memory and quarantine multiply the footprint: the bound holds
  // for the release build only.
  if (!STRATA_UNDER_ASAN) {
    EXPECT_LE(s.run.peak_rss_mib, kPeakRssLimitMib);
  }
  s.report = json::parse(s.run.out, nullptr, false);
  EXPECT_FALSE(s.report.is_discarded()) << head_of(s.run.out);
  if (s.report.is_discarded()) s.report = json::object();
  std::printf("[measured] %s: exit %d, %.2f s, peak RSS %.0f MiB\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(), s.run.exit_code,
              s.run.wall_seconds, s.run.peak_rss_mib);
  return s;
}

// An image error: exit 2, one line on stderr naming what, and no report content worth having.
void expect_error_naming(const Scan& s, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    EXPECT_NE(s.run.err.find(part), std::string::npos) << part << " in:\n" << head_of(s.run.err);
  }
}

class HostileImagesTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
  TempDir dir_;
};

// ---- 1. index loops and deep manifest lists ----

// A layout whose index.json lists a good image (a secret in its layer) and then `hostile`.
struct LoopLayout {
  OciLayoutWriter layout;
  std::string token = planted_token();
  json good;

  explicit LoopLayout(const std::string& dir) : layout(dir) {
    WrittenBlob layer =
        layout.add_blob(gzip_compress(tar_file("app/.env", "T=" + token + "\n") + tar_end()));
    good = manifest_descriptor(layout.add_image({layer}, true), "good:1");
  }
};

TEST_F(HostileImagesTest, AnIndexThatListsItselfIsADigestMismatch) {
  LoopLayout l(path("layout"));
  // The blob named X lists X: content addressing makes that a blob whose bytes are not X.
  std::string self_hex = sha256_of("a name chosen before the content").hex;
  json self = index_document(json::array({index_descriptor({"sha256:" + self_hex, 200})}));
  std::string text = self.dump();
  text.resize(200, ' ');
  write_file(path("layout/blobs/sha256/" + self_hex), text);
  l.layout.write_index({l.good, index_descriptor({"sha256:" + self_hex, 200})});

  Scan s = scan("oci:" + path("layout"), 2, 30);
  expect_error_naming(s, {"sha256:" + self_hex, "digest mismatch"});
  EXPECT_LT(s.run.wall_seconds, 10);
}

TEST_F(HostileImagesTest, TwoIndexesListingEachOtherEndInADigestMismatch) {
  LoopLayout l(path("layout"));
  std::string a_hex = sha256_of("index a, named before its content").hex;
  WrittenBlob b = l.layout.add_blob(
      index_document(json::array({index_descriptor({"sha256:" + a_hex, 300})})).dump());
  std::string a = index_document(json::array({index_descriptor(b)})).dump();
  a.resize(300, ' ');
  write_file(path("layout/blobs/sha256/" + a_hex), a);
  l.layout.write_index({index_descriptor(b), l.good});

  Scan s = scan("oci:" + path("layout"), 2, 30);
  expect_error_naming(s, {"sha256:" + a_hex, "digest mismatch"});
  EXPECT_LT(s.run.wall_seconds, 10);
}

TEST_F(HostileImagesTest, AManifestListNested100DeepIsRefusedAtTheDepthLimit) {
  LoopLayout l(path("layout"));
  json entry = l.good;
  for (int depth = 0; depth < 100; ++depth) {
    json list = {{"schemaVersion", 2},
                 {"mediaType", "application/vnd.docker.distribution.manifest.list.v2+json"},
                 {"manifests", json::array({entry})}};
    WrittenBlob blob = l.layout.add_blob(list.dump());
    entry = {{"mediaType", list["mediaType"]}, {"digest", blob.digest}, {"size", blob.size}};
  }
  l.layout.write_index({entry});

  Scan s = scan("oci:" + path("layout"), 2, 30);
  expect_error_naming(
      s, {"oci:" + path("layout") + ": index sha256:", "indexes nested deeper than 4"});
  EXPECT_LT(s.run.wall_seconds, 10);
}

// ---- 2. descriptor sizes of 2^62 ----

constexpr int64_t kHugeSize = int64_t{1} << 62;

enum class HugeField { kLayer, kConfig, kManifest };

// A layout with a good layer (a secret) and a second layer, whose descriptor in `field`
// claims 2^62 bytes; written as an OCI layout and, with manifest.json, as a Docker 25
// docker-archive.
struct HugeSizeImage {
  std::string token = planted_token();
  std::string bad_digest;

  HugeSizeImage(const std::string& dir, HugeField field) {
    OciLayoutWriter layout(dir);
    WrittenBlob good = layout.add_blob(tar_file("app/.env", "T=" + token + "\n") + tar_end());
    WrittenBlob second = layout.add_blob(tar_file("app/other.txt", "x\n") + tar_end());
    json manifest = layout.image_manifest({good, second}, false);
    if (field == HugeField::kLayer) {
      manifest["layers"][1]["size"] = kHugeSize;
      bad_digest = second.digest;
    } else if (field == HugeField::kConfig) {
      manifest["config"]["size"] = kHugeSize;
      bad_digest = manifest["config"]["digest"].get<std::string>();
    }
    WrittenBlob m = layout.add_blob(manifest.dump());
    json desc = manifest_descriptor(m, "huge:1");
    if (field == HugeField::kManifest) {
      desc["size"] = kHugeSize;
      bad_digest = m.digest;
    }
    layout.write_index({desc});
    json docker_manifest = {
        {{"Config", "blobs/sha256/" + manifest["config"]["digest"].get<std::string>().substr(7)},
         {"RepoTags", {"huge:1"}},
         {"Layers",
          {"blobs/sha256/" + good.digest.substr(7), "blobs/sha256/" + second.digest.substr(7)}}}};
    write_file(dir + "/manifest.json", docker_manifest.dump());
  }
};

// A tar of every file under `dir`, paths relative to it.
void tar_directory(const std::string& dir, const std::string& out) {
  TarWriter t;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      t.add_file(fs::relative(e.path(), dir).string(), read_file(e.path().string()));
    }
  }
  write_file(out, t.finish());
}

class HugeSizeTest : public HostileImagesTest,
                     public ::testing::WithParamInterface<std::tuple<HugeField, bool>> {};

TEST_P(HugeSizeTest, IsAnErrorNamingTheBlobWithoutAllocatingIt) {
  auto [field, docker_archive] = GetParam();
  HugeSizeImage img(path("layout"), field);
  std::string target = "oci:" + path("layout");
  if (docker_archive) {
    tar_directory(path("layout"), path("image.tar"));
    target = "docker-archive:" + path("image.tar");
  }
  Scan s = scan(target, 2, 30);
  expect_error_naming(s, {img.bad_digest});
  if (field == HugeField::kLayer) {
    EXPECT_TRUE(s.error("size")) << s.report["errors"].dump();
    EXPECT_TRUE(s.found(img.token)) << "the good layer's finding is kept";
  } else {
    EXPECT_NE(s.run.err.find("larger than the limit"), std::string::npos) << head_of(s.run.err);
  }
  EXPECT_LT(s.run.wall_seconds, 10);
}

std::string huge_size_case_name(const ::testing::TestParamInfo<HugeSizeTest::ParamType>& info) {
  static const char* const kFields[] = {"Layer", "Config", "Manifest"};
  return std::string(kFields[static_cast<int>(std::get<0>(info.param))]) +
         (std::get<1>(info.param) ? "InDockerArchive" : "InOciLayout");
}

INSTANTIATE_TEST_SUITE_P(LayerConfigManifest, HugeSizeTest,
                         ::testing::Combine(::testing::Values(HugeField::kLayer, HugeField::kConfig,
                                                              HugeField::kManifest),
                                            ::testing::Bool()),
                         huge_size_case_name);

// ---- 3. a gzip layer of 10 GiB of zeros ----

TEST_F(HostileImagesTest, AGzipLayerExpanding1000To1StopsAtTheRatioLimitKeepingFindings) {
  OciLayoutWriter layout(path("layout"));
  std::string first = planted_token(), before = planted_token(), after = planted_token();
  WrittenBlob plain =
      layout.add_blob(gzip_compress(tar_file("app/first.env", "T=" + first + "\n") + tar_end()));
  const uint64_t kZeros = 10ull << 30;
  GzipBuilder gz;
  gz.add(tar_file("app/before.env", "T=" + before + "\n"));
  gz.add(tar_header("app/zeros.bin", '0', kZeros));
  gz.add_zeros(kZeros);
  gz.add(tar_file("app/after.env", "T=" + after + "\n") + tar_end());
  std::string bomb_bytes = gz.finish();
  ASSERT_LT(bomb_bytes.size(), kZeros / 1000);  // it is a 1000:1 bomb
  WrittenBlob bomb = layout.add_blob(bomb_bytes);
  layout.write_index({manifest_descriptor(layout.add_image({plain, bomb}, true), "bomb:1")});

  Scan s = scan("oci:" + path("layout"), 2, 60);
  expect_error_naming(s, {bomb.digest.substr(0, 19), "max_expansion_ratio"});
  EXPECT_TRUE(s.found(first)) << "a finding in another layer is kept";
  EXPECT_TRUE(s.found(before)) << "a finding before the bomb in its layer is kept";
  EXPECT_FALSE(s.found(after));
  EXPECT_LT(s.run.wall_seconds, 20);
}

// ---- 4. a nested zip bomb ----

// 42.zip's shape: `levels` zips of `fan` zips each, the innermost holding 3 GiB of zeros.
std::string nested_zip_bomb(int levels, int fan) {
  std::string inner = ZipBuilder().add_zeros("zeros.bin", 3ull << 30).finish();
  for (int level = 1; level <= levels; ++level) {
    ZipBuilder z;
    for (int i = 0; i < fan; ++i) {
      z.add("l" + std::to_string(level) + "-" + std::to_string(i) + ".zip", inner);
    }
    inner = z.finish();
  }
  return inner;
}

TEST_F(HostileImagesTest, ANestedZipBombIsStoppedByNestingLimitsAndListed) {
  std::string first = planted_token(), inside = planted_token(), after = planted_token();
  std::string bomb = nested_zip_bomb(5, 4);
  // The bomb with a secret before its nested zips; and a zip of 4 zips of 3 GiB of zeros each,
  // within the depth limit, so each is stopped by the expansion ratio.
  ZipBuilder outer;
  outer.add("creds.env", "T=" + inside + "\n").add("42.zip", bomb);
  std::string wide = nested_zip_bomb(1, 4);
  std::string tar = tar_file("app/first.env", "T=" + first + "\n") +
                    tar_file("app/bomb.zip", outer.finish()) + tar_file("app/wide.zip", wide) +
                    tar_file("app/after.env", "T=" + after + "\n") + tar_end();
  OciLayoutWriter layout(path("layout"));
  WrittenBlob layer = layout.add_blob(gzip_compress(tar));
  layout.write_index({manifest_descriptor(layout.add_image({layer}, true), "zip:1")});

  Scan s = scan("oci:" + path("layout"), 1, 60);
  EXPECT_TRUE(
      s.skipped("app/bomb.zip!/42.zip!/l5-0.zip!/l4-0.zip: nested zip not opened: "
                "deeper than max_nesting_depth"))
      << s.report["skipped"].dump();
  EXPECT_TRUE(s.skipped("app/wide.zip!/l1-3.zip: nested zip: decompression ratio exceeds"))
      << s.report["skipped"].dump();
  for (const std::string& token : {first, inside, after}) EXPECT_TRUE(s.found(token));
  EXPECT_EQ(s.places_of(inside), std::vector<std::string>{"app/bomb.zip!/creds.env"});
  EXPECT_LT(s.run.wall_seconds, 30);
}

// ---- 5. 10,000-deep directories ----

constexpr int kDeep = 10'000;

std::string deep_path(int depth) {
  std::string p;
  for (int i = 0; i < depth; ++i) p += "d/";
  return p;
}

TEST_F(HostileImagesTest, ALayerWith10000DeepDirectoriesIsWalked) {
  std::string top = planted_token(), bottom = planted_token();
  GzipBuilder gz;
  gz.add(tar_file("app/top.env", "T=" + top + "\n"));
  for (int depth = 1; depth <= kDeep; ++depth) gz.add(tar_header(deep_path(depth), '5', 0));
  gz.add(tar_file(deep_path(kDeep) + ".env", "T=" + bottom + "\n") + tar_end());
  OciLayoutWriter layout(path("layout"));
  WrittenBlob layer = layout.add_blob(gz.finish());
  layout.write_index({manifest_descriptor(layout.add_image({layer}, true), "deep:1")});

  Scan s = scan("oci:" + path("layout"), 1, 60);
  EXPECT_TRUE(s.found(top));
  EXPECT_EQ(s.places_of(bottom), std::vector<std::string>{deep_path(kDeep) + ".env"});
  EXPECT_LT(s.run.wall_seconds, 30);
}

// 1 MB paths (the longest a pax header takes) until they pass max_path_bytes (128 MiB): the
// walk keeps every path, so this is where its memory stops growing.
TEST_F(HostileImagesTest, ALayerOfMegabytePathsStopsAtMaxPathBytes) {
  std::string first = planted_token(), deep = planted_token();
  std::string long_dir;
  while (long_dir.size() < 1'000'000) long_dir += "p/";
  GzipBuilder gz;
  gz.add(tar_file("app/first.env", "T=" + first + "\n"));
  gz.add(tar_file(long_dir + ".env", "T=" + deep + "\n"));
  for (int i = 0; i < 150; ++i) gz.add(tar_file(long_dir + std::to_string(i), ""));
  gz.add(tar_end());
  OciLayoutWriter layout(path("layout"));
  WrittenBlob layer = layout.add_blob(gz.finish());
  layout.write_index({manifest_descriptor(layout.add_image({layer}, true), "long:1")});

  Scan s = scan("oci:" + path("layout"), 2, 60);
  expect_error_naming(
      s, {layer.digest.substr(0, 19), "max_path_bytes (134217728 bytes)", "(1000003 bytes)"});
  EXPECT_LT(s.run.err.size(), 4000u) << "the entry is named, not its whole path";
  EXPECT_TRUE(s.found(first));
  EXPECT_TRUE(s.found(deep));
  EXPECT_LT(s.run.wall_seconds, 30);
}

TEST_F(HostileImagesTest, ADirectory10000DeepIsWalked) {
  std::string root = deep_tree_base() + "/strata-deep-" + std::to_string(::getpid());
  std::string top = planted_token(), bottom = planted_token();
  write_file(root + "/top.env", "T=" + top + "\n");
  write_deep_file(root, "d", kDeep, ".env", "T=" + bottom + "\n");

  Scan s = scan(root, 1, 60);
  remove_deep_tree(root);
  EXPECT_TRUE(s.found(top));
  EXPECT_EQ(s.places_of(bottom), std::vector<std::string>{deep_path(kDeep) + ".env"});
  EXPECT_LT(s.run.wall_seconds, 30);
}

// ---- 6. a million empty files ----

TEST_F(HostileImagesTest, ALayerWithAMillionEmptyFilesIsWalked) {
  constexpr int kFiles = 1'000'000;
  std::string first = planted_token(), last = planted_token();
  GzipBuilder gz;
  gz.add(tar_file("app/first.env", "T=" + first + "\n"));
  std::string batch;
  for (int i = 0; i < kFiles; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "e/%03d/%07d", i / 10'000, i);
    batch += ustar_header(name, '0', 0);
    if (batch.size() >= (4 << 20)) gz.add(std::exchange(batch, {}));
  }
  gz.add(batch + tar_file("app/last.env", "T=" + last + "\n") + tar_end());
  OciLayoutWriter layout(path("layout"));
  WrittenBlob layer = layout.add_blob(gz.finish());
  layout.write_index({manifest_descriptor(layout.add_image({layer}, true), "many:1")});

  Scan s = scan("oci:" + path("layout"), 1, 120);
  EXPECT_TRUE(s.found(first));
  EXPECT_TRUE(s.found(last));
  EXPECT_GE(s.report["stats"].value("files", 0), kFiles);
  EXPECT_LT(s.run.wall_seconds, 60);
}

// ---- 7. hard-link and symlink loops ----

TEST_F(HostileImagesTest, HardLinkAndSymlinkLoopsInALayerAreHarmless) {
  std::string env = planted_token(), later = planted_token();
  std::string tar = tar_file("app/.env", "T=" + env + "\n") + tar_header("h/a", '1', 0, "h/b") +
                    tar_header("h/b", '1', 0, "h/a") + tar_header("h/self", '1', 0, "h/self") +
                    tar_header("h/missing", '1', 0, "nowhere/x") +
                    tar_header("h/early", '1', 0, "h/later") +
                    tar_file("h/later", "T=" + later + "\n") + tar_header("s/a", '2', 0, "b") +
                    tar_header("s/b", '2', 0, "a") + tar_header("s/self", '2', 0, "self") +
                    tar_header("s/up", '2', 0, "..") + tar_header("s/dir/", '5', 0) +
                    tar_header("s/dir/loop", '2', 0, "../dir") +
                    tar_header("s/env", '2', 0, "../app/.env") + tar_end();
  OciLayoutWriter layout(path("layout"));
  WrittenBlob layer = layout.add_blob(gzip_compress(tar));
  layout.write_index({manifest_descriptor(layout.add_image({layer}, true), "links:1")});

  Scan s = scan("oci:" + path("layout"), 1, 30);
  EXPECT_EQ(s.places_of(env), std::vector<std::string>{"app/.env"});
  EXPECT_EQ(s.places_of(later), std::vector<std::string>{"h/later"});
  EXPECT_LT(s.run.wall_seconds, 10);
}

TEST_F(HostileImagesTest, SymlinkLoopsInADirectoryAreNotFollowed) {
  std::string root = path("tree"), env = planted_token();
  write_file(root + "/app/.env", "T=" + env + "\n");
  fs::create_directories(root + "/s/dir");
  fs::create_symlink("b", root + "/s/a");
  fs::create_symlink("a", root + "/s/b");
  fs::create_symlink("self", root + "/s/self");
  fs::create_symlink("..", root + "/s/up");
  fs::create_symlink("../dir", root + "/s/dir/loop");
  fs::create_symlink(root, root + "/s/root");
  fs::create_hard_link(root + "/app/.env", root + "/s/env-link");

  Scan s = scan(root, 1, 30);
  std::vector<std::string> places = s.places_of(env);
  std::sort(places.begin(), places.end());
  EXPECT_EQ(places, (std::vector<std::string>{"app/.env", "s/env-link"}));
  EXPECT_LT(s.run.wall_seconds, 10);
}

// ---- 8. a 4 GiB file ----

constexpr uint64_t kBigFile = 4ull << 30;

TEST_F(HostileImagesTest, A4GiBFileInALayerIsScannedUpToMaxFileBytes) {
  std::string before = planted_token(), after = planted_token();
  OciLayoutWriter layout(path("layout"));
  WrittenBlob big = layout.add_sparse_blob(
      tar_file("app/before.env", "T=" + before + "\n") + tar_header("app/big.bin", '0', kBigFile),
      kBigFile, tar_padding(kBigFile) + tar_file("app/after.env", "T=" + after + "\n") + tar_end());
  layout.write_index({manifest_descriptor(layout.add_image({big}, false), "big:1")});

  Scan s = scan("oci:" + path("layout"), 1, 120);
  EXPECT_TRUE(s.skipped("app/big.bin: file larger than max_file_bytes")) << s.report["skipped"];
  EXPECT_TRUE(s.found(before));
  EXPECT_TRUE(s.found(after));
  EXPECT_LT(s.run.wall_seconds, 60);
}

TEST_F(HostileImagesTest, A4GiBSparseFileInADirectoryIsScannedUpToMaxFileBytes) {
  std::string root = path("tree"), inside = planted_token(), beyond = planted_token(),
              next = planted_token();
  write_file(root + "/next.env", "T=" + next + "\n");
  std::string big = root + "/big.bin";
  int fd = ::open(big.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  std::string in = "T=" + inside + "\n", out = "T=" + beyond + "\n";
  ASSERT_EQ(::pwrite(fd, in.data(), in.size(), 1ll << 30), static_cast<ssize_t>(in.size()));
  ASSERT_EQ(::pwrite(fd, out.data(), out.size(), (3ll << 30)), static_cast<ssize_t>(out.size()));
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kBigFile)), 0);
  ::close(fd);

  Scan s = scan(root, 1, 120);
  EXPECT_TRUE(s.skipped("big.bin: file larger than max_file_bytes")) << s.report["skipped"];
  EXPECT_TRUE(s.found(inside)) << "the first 2 GiB are scanned";
  EXPECT_FALSE(s.found(beyond)) << "past max_file_bytes is skipped, and listed";
  EXPECT_TRUE(s.found(next));
  EXPECT_LT(s.run.wall_seconds, 60);
}

}  // namespace
}  // namespace strata::test
