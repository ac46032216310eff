// Secret files found by path, values decoded from them, git objects, nested archives.
#include <gtest/gtest.h>

#include "../extract/zip_writer.hpp"
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

std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "5"; }

std::string base64(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += a[(n >> 18) & 63];
    out += a[(n >> 12) & 63];
    out += i + 1 < in.size() ? a[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? a[n & 63] : '=';
  }
  return out;
}

class SecretFilesTest : public ::testing::Test {
 protected:
  SecretFilesTest() {
    Rule rule;
    rule.id = "test.token";
    rule.name = "test token";
    rule.severity = Severity::kCritical;
    rule.pattern = "\\b(?P<secret>tok_[a-z0-9]{20})\\b";
    RuleSet set;
    set.rules.push_back(rule);
    add_builtin_rules(set);
    engine_ = *MatchEngine::compile(set);
  }

  ScanReport scan_layer_tar(const std::string& tar) {
    test::TestImage img;
    img.layers.push_back({tar, test::TestCompression::kGzip, ""});
    test::write_oci_layout(dir_.path() + "/layout", {img});
    auto source = open_image_source("oci:" + dir_.path() + "/layout", {});
    EXPECT_TRUE(source) << source.error().message;
    return scan_source(**source, *engine_, ScanOptions{});
  }

  static const Finding* by_rule(const ScanReport& r, const std::string& id) {
    for (const Finding& f : r.findings) {
      if (f.rule_id == id) return &f;
    }
    return nullptr;
  }
  static const Finding* by_secret(const ScanReport& r, const std::string& secret) {
    for (const Finding& f : r.findings) {
      if (f.secret.reveal() == secret) return &f;
    }
    return nullptr;
  }

  std::shared_ptr<const MatchEngine> engine_;
  test::TempDir dir_;
};

TEST_F(SecretFilesTest, SecretFilesAreFindingsWithoutAnyTokenInside) {
  ScanReport r =
      scan_layer_tar(TarWriter()
                         .add_file("app/.env", "DB_PASSWORD=hunter2hunter2\n")
                         .add_file("root/.ssh/id_ed25519", "opaque key bytes")
                         .add_file("app/.env.example", "DB_PASSWORD=\n")
                         .add_file("root/.npmrc", "registry=https://r.example/\n")
                         .add_file("app/.npmrc", "//r.example/:_authToken=${NPM_TOKEN}\n")
                         .add_file("ci/.npmrc", "a=b\n//r.example/:_auth=${A}x\n")
                         .finish());
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  const Finding* env = by_rule(r, "file.dotenv");
  ASSERT_NE(env, nullptr);
  EXPECT_TRUE(env->secret_is_path);
  EXPECT_EQ(env->locations[0].path, "app/.env");  // the template is not reported
  EXPECT_EQ(env->locations.size(), 1u);
  EXPECT_EQ(env->confidence, Confidence::kMedium);
  EXPECT_NE(by_rule(r, "file.ssh-private-key"), nullptr);
  // No credentials in root/.npmrc, only the variable npm reads one from in app/.npmrc.
  const Finding* npmrc = by_rule(r, "file.npmrc-auth");
  ASSERT_NE(npmrc, nullptr);
  ASSERT_EQ(npmrc->locations.size(), 1u);
  EXPECT_EQ(npmrc->locations[0].path, "ci/.npmrc");
}

TEST_F(SecretFilesTest, SecretFileIsEscalatedWhenATokenIsInside) {
  ScanReport r = scan_layer_tar(TarWriter().add_file("app/.env", "K=" + token('a')).finish());
  const Finding* env = by_rule(r, "file.dotenv");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->severity, Severity::kCritical);
  EXPECT_EQ(env->confidence, Confidence::kHigh);
  EXPECT_NE(by_secret(r, token('a')), nullptr);
}

TEST_F(SecretFilesTest, DockerConfigAuthIsDecoded) {
  std::string password = "pw-" + std::string(14, 'z') + "9";
  std::string config = "{\n  \"auths\": {\n    \"registry.example.com\": {\n      \"auth\": \"" +
                       base64("robot:" + password) + "\"\n    }\n  }\n}\n";
  ScanReport r = scan_layer_tar(TarWriter().add_file("root/.docker/config.json", config).finish());
  ASSERT_NE(by_rule(r, "file.docker-config-auth"), nullptr);
  const Finding* login = by_secret(r, password);
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->rule_id, "docker.registry-login");
  EXPECT_EQ(login->locations[0].line, 4u);
}

TEST_F(SecretFilesTest, KubernetesSecretDataIsDecodedAndScanned) {
  std::string manifest =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n"
      "  username: " +
      base64("admin") + "\n  api: " + base64(token('k')) + "\n";
  ScanReport r = scan_layer_tar(TarWriter().add_file("deploy/secret.yaml", manifest).finish());
  ASSERT_NE(by_rule(r, "file.kubernetes-secret"), nullptr);
  const Finding* f = by_secret(r, token('k'));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations[0].path, "deploy/secret.yaml!/data.api");
  EXPECT_EQ(f->locations[0].line, 7u);
}

TEST_F(SecretFilesTest, GitDirectoryIsReportedAndLooseObjectsScanned) {
  std::string blob = "blob 40";
  blob.push_back('\0');
  blob += "old config: " + token('g') + "\n";
  ScanReport r = scan_layer_tar(
      TarWriter()
          .add_file("src/.git/HEAD", "ref: refs/heads/main\n")
          .add_file("src/.git/objects/ab/" + std::string(38, 'c'), zlib_compress(blob))
          .finish());
  const Finding* git = by_rule(r, "file.git-directory");
  ASSERT_NE(git, nullptr);
  EXPECT_EQ(git->locations.size(), 1u);  // once per repository, not per file
  EXPECT_EQ(git->locations[0].path, "src/.git");
  EXPECT_EQ(git->confidence, Confidence::kHigh);  // escalated: its history holds a token
  const Finding* old = by_secret(r, token('g'));
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->locations[0].path, "src/.git/objects/ab/" + std::string(38, 'c') + "!/object");
}

TEST_F(SecretFilesTest, DisabledBuiltinRuleReportsNothing) {
  RuleSet set;
  add_builtin_rules(set);
  auto selected = select_rules(set, RuleSelection{{}, {"file.dotenv"}, {}});
  ASSERT_TRUE(selected) << selected.error().message;
  engine_ = *MatchEngine::compile(*selected);
  ScanReport r = scan_layer_tar(TarWriter().add_file("app/.env", "A=bbbbbbbbbbbb\n").finish());
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(by_rule(r, "file.dotenv"), nullptr);
}

TEST_F(SecretFilesTest, GenericMatchesInAllowlistedPathsAreSuppressedNotDropped) {
  Rule generic;
  generic.id = "test.generic";
  generic.name = "generic";
  generic.generic = true;
  generic.pattern = "pass=(?P<secret>[a-z]{12})\\b";
  RuleSet set;
  set.rules.push_back(generic);
  engine_ = *MatchEngine::compile(set);
  std::string value(12, 'w');
  std::string tar = TarWriter()
                        .add_file("usr/share/locale/de/x.mo", "pass=" + value)
                        .add_file("app/node_modules/lib/a.js", "pass=" + std::string(12, 'v'))
                        .add_file("app/conf.ini", "pass=" + std::string(12, 'v'))
                        .finish();
  ScanReport r = scan_layer_tar(tar);
  const Finding* mo = by_secret(r, value);
  ASSERT_NE(mo, nullptr);
  ASSERT_TRUE(mo->suppression);
  EXPECT_EQ(mo->suppression->kind, "default-path-allowlist");
  // One of its places is an application file: not suppressed.
  const Finding* mixed = by_secret(r, std::string(12, 'v'));
  ASSERT_NE(mixed, nullptr);
  EXPECT_FALSE(mixed->suppression);
}

TEST_F(SecretFilesTest, NestedArchivesAreScanned) {
  std::string jar = test::ZipWriter()
                        .add("BOOT-INF/classes/application.properties", "key=" + token('j'))
                        .finish();
  ScanReport r = scan_layer_tar(TarWriter().add_file("app/app.jar", jar).finish());
  const Finding* f = by_secret(r, token('j'));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->locations[0].path, "app/app.jar!/BOOT-INF/classes/application.properties");
  EXPECT_EQ(f->locations[0].fate.kind, FateKind::kPresent);
}

}  // namespace
}  // namespace strata
