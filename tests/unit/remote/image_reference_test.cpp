// ImageReference::parse: docker's normalisation, the grammar's edges, and the helpers.
#include "strata/remote/image_reference.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata {
namespace {

const std::string kHex = std::string(32, 'a') + std::string(32, '0');
const std::string kDigest = "sha256:" + kHex;

ImageReference parsed(const std::string& text) {
  auto ref = ImageReference::parse(text);
  EXPECT_TRUE(ref) << text << ": " << ref.error().message;
  return ref ? *ref : ImageReference{};
}

std::string error_of(const std::string& text) {
  auto ref = ImageReference::parse(text);
  EXPECT_FALSE(ref) << text << " parsed as " << ref->str();
  return ref ? "" : ref.error().message;
}

TEST(ImageReference, OneWordNameIsAnOfficialDockerHubImage) {
  auto ref = parsed("nginx");
  EXPECT_EQ(ref.registry, "docker.io");
  EXPECT_EQ(ref.repository, "library/nginx");
  EXPECT_EQ(ref.tag, "latest");
  EXPECT_FALSE(ref.digest);
  EXPECT_EQ(ref.str(), "docker.io/library/nginx:latest");
}

TEST(ImageReference, TwoComponentNameWithoutHostIsOnDockerHub) {
  auto ref = parsed("library/nginx:1.27");
  EXPECT_EQ(ref.str(), "docker.io/library/nginx:1.27");
  EXPECT_EQ(parsed("team/app").str(), "docker.io/team/app:latest");
}

TEST(ImageReference, DockerHubSpelledOutGetsLibraryToo) {
  EXPECT_EQ(parsed("docker.io/nginx").str(), "docker.io/library/nginx:latest");
  EXPECT_EQ(parsed("index.docker.io/team/app:2").str(), "docker.io/team/app:2");
}

TEST(ImageReference, FirstComponentWithDotIsARegistry) {
  auto ref = parsed("ghcr.io/org/tool:v1.2.3");
  EXPECT_EQ(ref.registry, "ghcr.io");
  EXPECT_EQ(ref.repository, "org/tool");
  EXPECT_EQ(ref.tag, "v1.2.3");
}

TEST(ImageReference, FirstComponentWithPortIsARegistry) {
  auto ref = parsed("localhost:5000/x");
  EXPECT_EQ(ref.registry, "localhost:5000");
  EXPECT_EQ(ref.repository, "x");
  EXPECT_EQ(ref.tag, "latest");
  EXPECT_EQ(parsed("registry:5000/team/app:1").registry, "registry:5000");
}

TEST(ImageReference, LocalhostAloneIsARegistry) {
  auto ref = parsed("localhost/team/app");
  EXPECT_EQ(ref.registry, "localhost");
  EXPECT_EQ(ref.repository, "team/app");
}

TEST(ImageReference, OneWordNameLocalhostIsAnImageOnDockerHub) {
  EXPECT_EQ(parsed("localhost").str(), "docker.io/library/localhost:latest");
}

TEST(ImageReference, UpperCaseFirstComponentIsARegistryAsDockerSays) {
  auto ref = parsed("MyHost/app");
  EXPECT_EQ(ref.registry, "MyHost");
  EXPECT_EQ(ref.repository, "app");
}

TEST(ImageReference, DeepRepositoryPaths) {
  auto ref = parsed("r.example:443/a/b/c/d:t");
  EXPECT_EQ(ref.repository, "a/b/c/d");
  EXPECT_EQ(ref.tag, "t");
}

TEST(ImageReference, DigestWithoutTag) {
  auto ref = parsed("127.0.0.1:5000/team/app@" + kDigest);
  EXPECT_EQ(ref.registry, "127.0.0.1:5000");
  EXPECT_EQ(ref.repository, "team/app");
  EXPECT_EQ(ref.tag, "");
  ASSERT_TRUE(ref.digest);
  EXPECT_EQ(ref.digest->str(), kDigest);
  EXPECT_EQ(ref.str(), "127.0.0.1:5000/team/app@" + kDigest);
  EXPECT_EQ(ref.manifest_selector(), kDigest);
}

TEST(ImageReference, TagAndDigestTogether) {
  auto ref = parsed("nginx:1.27@" + kDigest);
  EXPECT_EQ(ref.tag, "1.27");
  ASSERT_TRUE(ref.digest);
  EXPECT_EQ(ref.str(), "docker.io/library/nginx:1.27@" + kDigest);
  EXPECT_EQ(ref.manifest_selector(), kDigest);  // the digest wins: it names exactly one manifest
}

TEST(ImageReference, ManifestSelectorIsTheTagWithoutDigest) {
  EXPECT_EQ(parsed("a/b:xyz").manifest_selector(), "xyz");
  EXPECT_EQ(parsed("a/b").manifest_selector(), "latest");
}

TEST(ImageReference, PinnedUsesTheManifestDigestScanned) {
  auto ref = parsed("r.example/team/app:1.4");
  auto scanned = Digest::parse(kDigest);
  ASSERT_TRUE(scanned);
  EXPECT_EQ(ref.pinned(*scanned), "r.example/team/app@" + kDigest);
  EXPECT_EQ(ref.pinned(Digest{}), "r.example/team/app:1.4");
  auto by_digest = parsed("r.example/team/app@" + kDigest);
  EXPECT_EQ(by_digest.pinned(Digest{}), "r.example/team/app@" + kDigest);
}

TEST(ImageReference, ApiHostOfDockerHubIsRegistryOne) {
  EXPECT_EQ(parsed("nginx").api_host(), "registry-1.docker.io");
  EXPECT_EQ(parsed("ghcr.io/a/b").api_host(), "ghcr.io");
  EXPECT_EQ(parsed("localhost:5000/a").api_host(), "localhost:5000");
}

TEST(ImageReference, SeparatorsInRepositoryComponents) {
  for (const char* good : {"a.b/c", "r.io/a_b", "r.io/a__b", "r.io/a-b", "r.io/a---b",
                           "r.io/a.b-c_d", "r.io/0abc", "r.io/a/b.c/d__e"}) {
    EXPECT_TRUE(ImageReference::parse(good)) << good;
  }
  for (const char* bad : {"r.io/a___b", "r.io/a..b", "r.io/-a", "r.io/a-", "r.io/a_", "r.io/.a",
                          "r.io/a//b", "r.io/a/", "r.io/a$b", "r.io/a_.b"}) {
    EXPECT_FALSE(ImageReference::parse(bad)) << bad;
  }
}

TEST(ImageReference, UpperCaseRepositoryIsAnError) {
  auto message = error_of("Nginx");
  EXPECT_NE(message.find("\"Nginx\""), std::string::npos) << message;
  EXPECT_NE(message.find("lowercase"), std::string::npos) << message;
  EXPECT_NE(error_of("ghcr.io/Org/tool").find("lowercase"), std::string::npos);
}

TEST(ImageReference, TagGrammar) {
  EXPECT_EQ(parsed("a/b:_x").tag, "_x");
  EXPECT_EQ(parsed("a/b:V1.2-rc_3").tag, "V1.2-rc_3");
  EXPECT_EQ(parsed("a/b:" + std::string(128, 't')).tag.size(), 128u);
  EXPECT_NE(error_of("a/b:" + std::string(129, 't')).find("tag"), std::string::npos);
  EXPECT_NE(error_of("a/b:.x").find("tag"), std::string::npos);
  EXPECT_NE(error_of("a/b:-x").find("tag"), std::string::npos);
  EXPECT_NE(error_of("a/b:").find("tag"), std::string::npos);
  EXPECT_NE(error_of("a/b:x+y").find("tag"), std::string::npos);
}

TEST(ImageReference, PortThatIsNotANumberIsAnError) {
  EXPECT_NE(error_of("r.io:50a0/x").find("port"), std::string::npos);
  EXPECT_NE(error_of("r.io:99999/x").find("port"), std::string::npos);
  EXPECT_NE(error_of("r.io:/x").find("port"), std::string::npos);
}

TEST(ImageReference, InvalidRegistryHostIsAnError) {
  EXPECT_NE(error_of("-r.io/x").find("registry"), std::string::npos);
  EXPECT_NE(error_of("r..io/x").find("registry"), std::string::npos);
  EXPECT_NE(error_of("r_x.io/x").find("registry"), std::string::npos);
}

TEST(ImageReference, BadDigestsAreErrorsNamingTheReference) {
  auto message = error_of("a/b@sha256:abc");
  EXPECT_NE(message.find("\"a/b@sha256:abc\""), std::string::npos) << message;
  EXPECT_NE(message.find("digest"), std::string::npos) << message;
  EXPECT_FALSE(ImageReference::parse("a/b@md5:" + kHex));
  EXPECT_FALSE(ImageReference::parse("a/b@sha256:" + std::string(64, 'A')));
  EXPECT_FALSE(ImageReference::parse("a/b@"));
  EXPECT_FALSE(ImageReference::parse("a/b@" + kDigest + "@" + kDigest));
}

TEST(ImageReference, EmptyAndOddInputsAreErrors) {
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_FALSE(ImageReference::parse(":tag"));
  EXPECT_FALSE(ImageReference::parse("@" + kDigest));
  EXPECT_FALSE(ImageReference::parse("/a"));
  EXPECT_FALSE(ImageReference::parse("a b"));
  EXPECT_FALSE(ImageReference::parse("a\nb"));
  EXPECT_FALSE(ImageReference::parse("r.io/"));
  EXPECT_FALSE(ImageReference::parse("docker://r.io/a"));
}

TEST(ImageReference, ImageIdIsNotARepository) {
  EXPECT_NE(error_of(kHex).find("image ID"), std::string::npos);
}

TEST(ImageReference, OverlongNameIsAnError) {
  std::string name = "r.io/" + std::string(120, 'a') + "/" + std::string(130, 'b');
  EXPECT_NE(error_of(name).find("255"), std::string::npos);
}

TEST(ImageReference, ErrorQuotesAreBoundedAndPrintable) {
  std::string message = error_of("a\x01" + std::string(1000, 'b'));
  EXPECT_LT(message.size(), 400u);
  EXPECT_EQ(message.find('\x01'), std::string::npos);
}

TEST(ImageReference, Ipv6LoopbackRegistry) {
  auto ref = parsed("[::1]:5000/team/app:1");
  EXPECT_EQ(ref.registry, "[::1]:5000");
  EXPECT_EQ(ref.repository, "team/app");
  EXPECT_EQ(ref.tag, "1");
  EXPECT_EQ(parsed("[::1]/a").registry, "[::1]");
  EXPECT_FALSE(ImageReference::parse("[zz]:5000/a"));
}

TEST(ImageReference, LoopbackRegistries) {
  for (const char* loopback :
       {"localhost/a", "localhost:5000/a", "LOCALHOST:1/a", "127.0.0.1/a", "127.0.0.1:5000/a",
        "127.1.2.3:80/a", "127.255.255.255/a", "[::1]/a", "[::1]:5000/a"}) {
    EXPECT_TRUE(parsed(loopback).is_loopback()) << loopback;
  }
}

TEST(ImageReference, NonLoopbackRegistries) {
  for (const char* remote :
       {"nginx", "ghcr.io/a", "128.0.0.1/a", "10.0.0.1:5000/a", "127.0.0.1.example.com/a",
        "localhost.example.com/a", "127.0.0/a", "127.0.0.256/a", "[::2]:5000/a", "127.0.0.1.2/a"}) {
    EXPECT_FALSE(parsed(remote).is_loopback()) << remote;
  }
}

TEST(ImageReference, StrParsesBackToItself) {
  for (const std::string& text :
       std::vector<std::string>{"nginx", "team/app:2", "r.io:5000/a/b@" + kDigest,
                                "localhost/x:t@" + kDigest, "[::1]:5000/a"}) {
    auto first = parsed(text);
    auto again = parsed(first.str());
    EXPECT_EQ(again.str(), first.str()) << text;
    EXPECT_EQ(again.registry, first.registry) << text;
    EXPECT_EQ(again.repository, first.repository) << text;
    EXPECT_EQ(again.tag, first.tag) << text;
    EXPECT_EQ(again.digest, first.digest) << text;
  }
}

}  // namespace
}  // namespace strata
