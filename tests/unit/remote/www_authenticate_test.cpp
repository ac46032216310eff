// parse_www_authenticate: RFC 7235 challenges as registries and other servers send them.
#include <gtest/gtest.h>

#include "strata/remote/registry_auth.hpp"

namespace strata {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(WwwAuthenticate, DistributionBearerChallenge) {
  auto challenges = parse_www_authenticate(
      R"(Bearer realm="http://127.0.0.1:5002/token",service="fixture-registry",scope="repository:leaky/tok:pull")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].param("realm"), "http://127.0.0.1:5002/token");
  EXPECT_EQ(challenges[0].param("service"), "fixture-registry");
  EXPECT_EQ(challenges[0].param("scope"), "repository:leaky/tok:pull");
  EXPECT_EQ(challenges[0].param("error"), std::nullopt);
}

TEST(WwwAuthenticate, BasicChallenge) {
  auto challenges = parse_www_authenticate(R"(Basic realm="fixture-realm")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[0].params, (Params{{"realm", "fixture-realm"}}));
}

TEST(WwwAuthenticate, SchemeAndNamesAreCaseInsensitiveValuesAreNot) {
  auto challenges = parse_www_authenticate(R"(BEARER Realm="https://Auth.Example/Token")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].param("REALM"), "https://Auth.Example/Token");
  EXPECT_EQ(challenges[0].params[0].first, "realm");
}

TEST(WwwAuthenticate, SeveralChallengesInOneHeader) {
  auto challenges = parse_www_authenticate(
      R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple")");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "newauth");
  EXPECT_EQ(challenges[0].params,
            (Params{{"realm", "apps"}, {"type", "1"}, {"title", "Login to \"apps\""}}));
  EXPECT_EQ(challenges[1].scheme, "basic");
  EXPECT_EQ(challenges[1].param("realm"), "simple");
}

TEST(WwwAuthenticate, SchemesWithoutParameters) {
  auto challenges = parse_www_authenticate("Negotiate, Basic realm=x,Bearer");
  ASSERT_EQ(challenges.size(), 3u);
  EXPECT_EQ(challenges[0].scheme, "negotiate");
  EXPECT_TRUE(challenges[0].params.empty());
  EXPECT_EQ(challenges[1].param("realm"), "x");
  EXPECT_EQ(challenges[2].scheme, "bearer");
  EXPECT_TRUE(challenges[2].params.empty());
}

TEST(WwwAuthenticate, Token68) {
  auto challenges = parse_www_authenticate("Negotiate YIIBhwYGKwYBBQUCoIIB==, Basic realm=\"r\"");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].params, (Params{{"", "YIIBhwYGKwYBBQUCoIIB=="}}));
  EXPECT_EQ(challenges[1].param("realm"), "r");
  auto alone = parse_www_authenticate("Custom abc/+.~-_");
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].params, (Params{{"", "abc/+.~-_"}}));
}

TEST(WwwAuthenticate, WhitespaceAroundEqualsAndCommas) {
  auto challenges = parse_www_authenticate("  Bearer   realm = \"a b\" ,  service =svc ,,  ");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].params, (Params{{"realm", "a b"}, {"service", "svc"}}));
}

TEST(WwwAuthenticate, QuotedStringsKeepCommasAndEscapes) {
  auto challenges =
      parse_www_authenticate(R"(Bearer scope="repository:a/b:pull,push",error="x\\y\"z")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].param("scope"), "repository:a/b:pull,push");
  EXPECT_EQ(challenges[0].param("error"), "x\\y\"z");
}

TEST(WwwAuthenticate, InsufficientScopeError) {
  auto challenges = parse_www_authenticate(
      R"(Bearer realm="http://t/token",service="s",scope="registry:catalog:*",error="insufficient_scope")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].param("scope"), "registry:catalog:*");
  EXPECT_EQ(challenges[0].param("error"), "insufficient_scope");
}

TEST(WwwAuthenticate, EmptyAndBrokenHeadersNeitherCrashNorHang) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_TRUE(parse_www_authenticate(" , ,").empty());
  EXPECT_TRUE(parse_www_authenticate("\"quoted\"").empty());
  auto unterminated = parse_www_authenticate("Bearer realm=\"abc");
  ASSERT_EQ(unterminated.size(), 1u);
  EXPECT_EQ(unterminated[0].param("realm"), "abc");
  auto trailing_escape = parse_www_authenticate("Bearer realm=\"abc\\");
  ASSERT_EQ(trailing_escape.size(), 1u);
  auto garbage_after = parse_www_authenticate("Basic realm=x @@@ Bearer realm=y");
  ASSERT_GE(garbage_after.size(), 1u);
  EXPECT_EQ(garbage_after[0].param("realm"), "x");
  auto empty_value = parse_www_authenticate("Bearer realm=\"\",service=s");
  ASSERT_EQ(empty_value.size(), 1u);
  EXPECT_EQ(empty_value[0].param("realm"), "");
  EXPECT_EQ(empty_value[0].param("service"), "s");
}

}  // namespace
}  // namespace strata
