#include <gtest/gtest.h>

#include "strata/image/image.hpp"

namespace strata {
namespace {

TEST(PlatformTest, ParsesOsAndArchitecture) {
  auto p = Platform::parse("linux/amd64");
  ASSERT_TRUE(p.has_value()) << p.error().message;
  EXPECT_EQ(p->os, "linux");
  EXPECT_EQ(p->architecture, "amd64");
  EXPECT_EQ(p->variant, "");
}

TEST(PlatformTest, ParsesVariant) {
  auto p = Platform::parse("linux/arm/v7");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->variant, "v7");
}

TEST(PlatformTest, NormalizesArchitectureAliases) {
  EXPECT_EQ(Platform::parse("linux/x86_64")->architecture, "amd64");
  EXPECT_EQ(Platform::parse("linux/aarch64")->architecture, "arm64");
}

TEST(PlatformTest, RejectsMalformedText) {
  for (const char* text : {"", "linux", "linux/", "/amd64", "linux/arm/v7/x", "linux//v7"}) {
    auto p = Platform::parse(text);
    ASSERT_FALSE(p.has_value()) << text;
    EXPECT_NE(p.error().message.find("os/arch"), std::string::npos);
  }
}

TEST(PlatformTest, StrRoundTrips) {
  for (const char* text : {"linux/amd64", "linux/arm/v7", "windows/amd64"}) {
    EXPECT_EQ(Platform::parse(text)->str(), text);
  }
}

TEST(PlatformTest, EmptyWantedVariantMatchesAnyVariant) {
  Platform image{"linux", "arm64", "v8"};
  EXPECT_TRUE(image.matches(*Platform::parse("linux/arm64")));
}

TEST(PlatformTest, DifferentArchitectureDoesNotMatch) {
  Platform image{"linux", "amd64", ""};
  EXPECT_FALSE(image.matches(*Platform::parse("linux/arm64")));
  EXPECT_FALSE(image.matches(*Platform::parse("windows/amd64")));
}

TEST(PlatformTest, DifferentVariantDoesNotMatch) {
  Platform image{"linux", "arm", "v6"};
  EXPECT_FALSE(image.matches(*Platform::parse("linux/arm/v7")));
  EXPECT_TRUE(image.matches(*Platform::parse("linux/arm/v6")));
}

TEST(PlatformTest, Arm64WithoutVariantIsV8) {
  Platform image{"linux", "arm64", ""};
  EXPECT_TRUE(image.matches(*Platform::parse("linux/arm64/v8")));
}

}  // namespace
}  // namespace strata
