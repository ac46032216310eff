#include "strata/core/sealed_box.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(SealedBox, OpensWhatItSealedAndNothingElse) {
  auto key = SealedBox::random_key();
  ASSERT_TRUE(key) << key.error().message;
  SealedBox box(*key);
  std::string plain = std::string("pay") + "load with a NUL \0 inside" + std::string(1000, 'x');
  auto sealed = box.seal(plain);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->find("load with"), std::string::npos);  // not in the clear
  EXPECT_EQ(box.open(*sealed), plain);
  EXPECT_NE(*box.seal(plain), *sealed);  // a fresh nonce each time
  EXPECT_EQ(box.open(*box.seal("")), "");

  SealedBox other(*SealedBox::random_key());
  EXPECT_FALSE(other.open(*sealed));
  for (size_t i : {size_t{0}, size_t{20}, sealed->size() / 2, sealed->size() - 1}) {
    std::string changed = *sealed;
    changed[i] ^= 1;
    EXPECT_FALSE(box.open(changed)) << i;
  }
  EXPECT_FALSE(box.open(sealed->substr(0, sealed->size() - 1)));
  EXPECT_FALSE(box.open(plain));
}

}  // namespace
}  // namespace strata
