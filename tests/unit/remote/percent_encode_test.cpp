// percent_encode: what the daemon source puts in an image path segment and the token fetch in
// form values.
#include "percent_encode.hpp"

#include <gtest/gtest.h>

#include <string>

namespace strata {
namespace {

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("Az09-._~"), "Az09-._~");
  EXPECT_EQ(percent_encode("a b/c:d@e+f&g=h"), "a%20b%2Fc%3Ad%40e%2Bf%26g%3Dh");
  EXPECT_EQ(percent_encode(std::string("\x00\xff", 2)), "%00%FF");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncode, KeepsTheExtraCharactersAskedFor) {
  EXPECT_EQ(percent_encode("team/app:1@sha256:ab", ":@"), "team%2Fapp:1@sha256:ab");
}

}  // namespace
}  // namespace strata
