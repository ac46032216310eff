// Bad input never crashes or hangs a scan: layers, compressed blobs and image configs mutated at
// random (fixed seeds, so a failure reproduces) go through the whole scan with the shipped
// rules. Every scan returns; an error names the layer or blob it is about; with the intact
// input the same scan is complete. The ctest timeout guards against hangs.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "../extract/zip_writer.hpp"
#include "strata/rules/rule.hpp"
#include "strata/scan/builtin_rules.hpp"
#include "strata/scan/image_scanner.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TarWriter;
using test::zlib_compress;

constexpr int kMutants = 300;

// Fake secrets, built at run time.
std::string github_token() { return std::string("gh") + "p_" + std::string(30, 'Q') + "4xZ9kP"; }
std::string aws_key_id() { return std::string("AK") + "IA" + "QWERTYUIOPASDF7Z"; }

// A layer with one of everything the scan treats specially: secret files by path, a nested jar
// holding a jar, a tgz, a .git directory with a loose object, a docker config with a base64
// auth, a Kubernetes Secret, links, whiteouts, a long pax name and a file of many lines.
std::string rich_layer() {
  test::ZipWriter inner;
  inner.add("x.env", "TOKEN=" + github_token() + "\n");
  test::ZipWriter jar;
  jar.add("application.properties", "aws.key=" + aws_key_id() + "\npassword=Xy7kLm9qWe3\n");
  jar.add("lib/inner.jar", inner.finish());
  std::string tgz = test::gzip_compress(
      TarWriter()
          .add_file("conf/.npmrc", "//r.example.org/:_authToken=" + github_token())
          .finish());
  std::string log;
  for (int i = 0; i < 4000; ++i) log += "line " + std::to_string(i) + " ok\n";
  log += "token=" + github_token() + "\n";
  return TarWriter()
      .add_dir("app")
      .add_file("app/.env", "GITHUB_TOKEN=" + github_token() + "\nDB_PASSWORD=hunter2hunter2\n")
      .add_file("app/" + std::string(150, 'n') + "/name.txt", "password = \"Xy7#kLm9$qWe\"\n")
      .add_file("app/lib.jar", jar.finish())
      .add_file("app/conf.tgz", tgz)
      .add_file("app/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n")
      .add_file("app/.git/config",
                "[remote \"origin\"]\n\turl = https://u:" + github_token() + "@example.com/r\n")
      .add_file("app/.git/objects/ab/cdef0123456789abcdef0123456789abcdef01",
                zlib_compress(std::string("blob 30") + '\0' + "AWS=" + aws_key_id() + "\n"))
      .add_file("app/.docker/config.json",
                R"({"auths":{"r.io":{"auth":"dXNlcjpTM2NyZXRQYXNzd29yZCE="}}})")
      .add_file("app/secret.yaml",
                "apiVersion: v1\nkind: Secret\ndata:\n  password: UzNjcmV0UGFzc3dvcmQh\n")
      .add_symlink("app/link", ".env")
      .add_hardlink("app/hard", "app/.env")
      .add_whiteout("app/old")
      .add_opaque("app/cache")
      .add_file("app/big.log", log)
      .finish();
}

nlohmann::json rich_config() {
  nlohmann::json c;
  c["config"]["Env"] = {"PATH=/bin", "API_TOKEN=" + github_token()};
  c["config"]["Labels"] = {{"k", "v"}};
  c["config"]["Cmd"] = {"/bin/sh", "-c", "run"};
  c["history"] = nlohmann::json::array(
      {{{"created_by", "|1 NPM_TOKEN=" + github_token() + " /bin/sh -c npm ci"}},
       {{"created_by", "ARG X"}, {"empty_layer", true}}});
  return c;
}

// Flips, zeroes, inserts, duplicates or truncates a few spots.
std::string mutate(std::string data, std::mt19937& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  if (data.empty()) return data;
  size_t kind = pick(5);
  if (kind == 4) return data.substr(0, pick(data.size()));
  for (size_t edits = 1 + pick(6); edits > 0; --edits) {
    size_t at = pick(data.size());
    switch (kind) {
      case 0:
        data[at] = static_cast<char>(data[at] ^ (1 << pick(8)));
        break;
      case 1:
        for (size_t i = at; i < std::min(data.size(), at + 1 + pick(512)); ++i) data[i] = '\0';
        break;
      case 2:
        data.insert(at, std::string(1 + pick(64), static_cast<char>(pick(256))));
        break;
      default:
        data.insert(at, data.substr(pick(data.size()), 1 + pick(4096)));
        break;
    }
  }
  return data;
}

// Replaces one value somewhere in the document with a value of another type.
void mutate_json(nlohmann::json& doc, std::mt19937& rng) {
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  nlohmann::json* node = &doc;
  while ((node->is_object() || node->is_array()) && !node->empty() && pick(4) != 0) {
    auto it = node->begin();
    std::advance(it, static_cast<long>(pick(node->size())));
    node = &*it;
  }
  const nlohmann::json replacements[] = {nullptr,
                                         -1,
                                         18446744073709551615ull,
                                         1.5e308,
                                         "",
                                         std::string(5000, 'x'),
                                         nlohmann::json::array({1, "a", nullptr}),
                                         nlohmann::json::object({{"a", {{"b", 1}}}}),
                                         true,
                                         "|99999999999 A=b /bin/sh -c x",
                                         "RUN |1 X /bin/sh -c # buildkit"};
  *node = replacements[pick(std::size(replacements))];
}

class MutatedInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = load_rule_files({std::string(STRATA_SOURCE_DIR) + "/patterns"});
    ASSERT_TRUE(rules) << rules.error().message;
    add_builtin_rules(*rules);
    auto compiled = MatchEngine::compile(std::move(*rules));
    ASSERT_TRUE(compiled) << compiled.error().message;
    engine_ = *compiled;
  }
  static void TearDownTestSuite() { engine_.reset(); }

  ScanReport scan(const std::string& target) {
    auto source = open_image_source(target, {});
    if (!source) {
      ScanReport failed;
      failed.errors.push_back(source.error().message);
      return failed;
    }
    ScanOptions options;
    options.jobs = 2;
    return scan_source(**source, *engine_, options);
  }

  static std::shared_ptr<const MatchEngine> engine_;
  test::TempDir dir_;
};

std::shared_ptr<const MatchEngine> MutatedInputTest::engine_;

test::TestCompression compression_for(int i) {
  const test::TestCompression all[] = {test::TestCompression::kNone, test::TestCompression::kGzip,
                                       test::TestCompression::kZstd};
  return all[i % 3];
}

TEST_F(MutatedInputTest, IntactInputIsCompleteWithFindings) {
  test::TestImage img;
  img.layers.push_back({rich_layer(), test::TestCompression::kGzip, ""});
  img.config = rich_config();
  test::write_oci_layout(dir_.path() + "/intact", {img});
  ScanReport r = scan("oci:" + dir_.path() + "/intact");
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_GE(r.findings.size(), 8u);
}

// The tar inside a valid blob is damaged: the walker, the nested-archive readers, the secret
// file checks and the decoders of nested content meet the damage.
TEST_F(MutatedInputTest, DamagedLayerTarsEndInAnErrorNamingTheLayer) {
  std::mt19937 rng(20261127);
  std::string layer = rich_layer();
  int errors = 0;
  for (int i = 0; i < kMutants; ++i) {
    test::TestImage img;
    img.layers.push_back({mutate(layer, rng), compression_for(i), ""});
    img.config = rich_config();
    std::string dir = dir_.path() + "/layer" + std::to_string(i);
    test::write_oci_layout(dir, {img});
    ScanReport r = scan("oci:" + dir);
    for (const std::string& e : r.errors) {
      ++errors;
      EXPECT_NE(e.find("layer sha256:"), std::string::npos) << "mutant " << i << ": " << e;
    }
  }
  EXPECT_GT(errors, 0);  // the mutations do reach the walker
}

// The compressed bytes themselves are damaged (a plain .tar.gz / .tar.zst scanned as one layer,
// so no digest stops it first): the decoders meet the damage.
TEST_F(MutatedInputTest, DamagedCompressedLayersEndInAnErrorNamingTheLayer) {
  std::mt19937 rng(7);
  std::string layer = rich_layer();
  const std::string compressed[] = {test::gzip_compress(layer), test::zstd_compress(layer)};
  int errors = 0;
  for (int i = 0; i < kMutants; ++i) {
    std::string path = dir_.path() + "/c" + std::to_string(i) + (i % 2 ? ".tar.zst" : ".tar.gz");
    test::write_file(path, mutate(compressed[i % 2], rng));
    ScanReport r = scan(path);
    for (const std::string& e : r.errors) {
      ++errors;
      bool named =
          e.find("layer sha256:") != std::string::npos || e.find(path) != std::string::npos;
      EXPECT_TRUE(named) << "mutant " << i << ": " << e;
    }
  }
  EXPECT_GT(errors, 0);
}

// Layer blobs skip gzip's CRC-32 when the image recorded their digest; a plain .tar.gz has no
// recorded digest (strata hashes the file itself), so its checksum is still what catches a
// damaged byte.
TEST_F(MutatedInputTest, APlainTarGzStillHasItsChecksumChecked) {
  std::string gz = test::gzip_compress(rich_layer());
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 1);  // inside the CRC-32
  std::string path = dir_.path() + "/bad-crc.tar.gz";
  test::write_file(path, gz);
  ScanReport r = scan(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("gzip: checksum mismatch"), std::string::npos) << r.errors[0];
}

// The image config is valid JSON of the wrong shape: values of unexpected types, huge numbers,
// odd history strings. The scan either reads what it can or names the config.
TEST_F(MutatedInputTest, OddConfigsAreReadOrNamed) {
  std::mt19937 rng(42);
  std::string layer = rich_layer();
  for (int i = 0; i < kMutants; ++i) {
    nlohmann::json config = rich_config();
    for (int k = 0; k < 1 + i % 3; ++k) mutate_json(config, rng);
    test::TestImage img;
    img.layers.push_back({layer, test::TestCompression::kNone, ""});
    img.raw_config = config.dump();
    std::string dir = dir_.path() + "/config" + std::to_string(i);
    test::write_oci_layout(dir, {img});
    ScanReport r = scan("oci:" + dir);
    for (const std::string& e : r.errors) {
      EXPECT_NE(e.find("config"), std::string::npos) << "mutant " << i << ": " << e;
    }
  }
}

}  // namespace
}  // namespace strata
