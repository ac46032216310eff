// resolve_location and same_origin: where a redirect goes and whether credentials may follow.
#include "url_rules.hpp"

#include <gtest/gtest.h>

namespace strata::net {
namespace {

TEST(ResolveLocationTest, ResolvesRelativeToTheCurrentUrl) {
  std::string base = "http://127.0.0.1:5000/v2/team/app/blobs/sha256:ab";
  EXPECT_EQ(resolve_location(base, "/store/ab?sig=1").value(),
            "http://127.0.0.1:5000/store/ab?sig=1");
  EXPECT_EQ(resolve_location(base, "other").value(),
            "http://127.0.0.1:5000/v2/team/app/blobs/other");
  EXPECT_EQ(resolve_location(base, "../manifests/1").value(),
            "http://127.0.0.1:5000/v2/team/app/manifests/1");
  EXPECT_EQ(resolve_location(base, "//cdn.example/x").value(), "http://cdn.example/x");
}

TEST(ResolveLocationTest, TakesAbsoluteLocationsAsTheyAre) {
  EXPECT_EQ(resolve_location("http://a/x", "https://s3.example:8443/b/k?X-Sig=2").value(),
            "https://s3.example:8443/b/k?X-Sig=2");
}

TEST(ResolveLocationTest, RefusesOtherSchemesWithoutEchoingTheQuery) {
  auto r = resolve_location("https://a/x", "file:///etc/passwd");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "redirect to a file URL (only http and https are followed)");
  auto bad = resolve_location("not a url", "/x?secret=1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("secret"), std::string::npos) << bad.error().message;
}

TEST(SameOriginTest, ComparesSchemeHostAndPort) {
  EXPECT_TRUE(same_origin("https://r.example/v2/a", "https://R.EXAMPLE:443/v2/b?x=1"));
  EXPECT_TRUE(same_origin("http://127.0.0.1/v2/", "http://127.0.0.1:80/other"));
  EXPECT_FALSE(same_origin("http://127.0.0.1:5000/v2/", "http://127.0.0.1:5001/v2/"));
  EXPECT_FALSE(same_origin("https://r.example/v2/", "http://r.example/v2/"));
  EXPECT_FALSE(same_origin("https://r.example/v2/", "https://r.example.evil/v2/"));
  EXPECT_FALSE(same_origin("https://r.example/v2/", "not a url"));
}

}  // namespace
}  // namespace strata::net
