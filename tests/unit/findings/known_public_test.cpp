#include "strata/findings/known_public.hpp"

#include <gtest/gtest.h>

#include "strata/core/digest.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

TEST(KnownPublicSecretsTest, LoadsDigestsAndReasons) {
  test::TempDir dir;
  std::string secret = std::string("-----BEGIN ") + "TEST KEY-----x";
  test::write_file(dir.path() + "/known.txt",
                   "# comment\n\n" + sha256_of(secret).hex + "  vendor self-test key\n");
  auto known = KnownPublicSecrets::load(dir.path() + "/known.txt");
  ASSERT_TRUE(known) << known.error().message;
  EXPECT_EQ(known->size(), 1u);
  const std::string* why = known->reason_for(SecretValue(secret));
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(*why, "vendor self-test key");
  EXPECT_EQ(known->reason_for(SecretValue(secret + "y")), nullptr);
}

TEST(KnownPublicSecretsTest, BadLineIsAnErrorNamingIt) {
  test::TempDir dir;
  test::write_file(dir.path() + "/known.txt", "# ok\nnot-a-digest  why\n");
  auto known = KnownPublicSecrets::load(dir.path() + "/known.txt");
  ASSERT_FALSE(known);
  EXPECT_NE(known.error().message.find("known.txt:2"), std::string::npos);
}

TEST(KnownPublicSecretsTest, ShippedListParses) {
  auto known =
      KnownPublicSecrets::load(std::string(STRATA_SOURCE_DIR) + "/patterns/known-public.txt");
  ASSERT_TRUE(known) << known.error().message;
  EXPECT_GT(known->size(), 0u);
}

}  // namespace
}  // namespace strata
