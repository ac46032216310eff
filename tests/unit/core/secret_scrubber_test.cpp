#include "strata/core/secret_scrubber.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

const std::string kToken = std::string("gh") + "p_" + std::string(36, 'T');

bool leaks(const std::string& text, const std::string& secret) {
  for (size_t i = 0; i + 8 <= secret.size(); ++i) {
    if (text.find(secret.substr(i, 8)) != std::string::npos) return true;
  }
  return false;
}

TEST(SecretScrubberTest, ReplacesEveryOccurrence) {
  SecretScrubber s({{kToken, "<t>"}});
  EXPECT_EQ(s.scrub("a " + kToken + " b " + kToken), "a <t> b <t>");
}

TEST(SecretScrubberTest, ALongerSecretIsReplacedWhole) {
  std::string inner = kToken.substr(0, 20);
  SecretScrubber s({{inner, "<i>"}, {kToken, "<t>"}});
  EXPECT_EQ(s.scrub(kToken + " " + inner), "<t> <i>");
}

TEST(SecretScrubberTest, ATailWrittenApartFromItsPrefixIsHidden) {
  SecretScrubber s({{kToken, "<t>"}});
  std::string text = "printf '%s%s' gh" + std::string("p_ ") + kToken.substr(4) + " > f";
  std::string out = s.scrub(text);
  EXPECT_FALSE(leaks(out, kToken)) << out;
  EXPECT_NE(out.find("…"), std::string::npos);
}

TEST(SecretScrubberTest, AShortTailIsNoSecretOfItsOwn) {
  SecretScrubber s({{"abc_" + std::string(10, 'x'), "<t>"}});
  EXPECT_EQ(s.scrub(std::string(10, 'x')), std::string(10, 'x'));
}

TEST(SecretScrubberTest, ClipsAfterReplacingSoASecretAcrossTheCutIsHiddenWhole) {
  SecretScrubber s({{kToken, "<t>"}});
  std::string text = std::string(97, 'x') + kToken + std::string(200, 'y');
  std::string out = s.scrub(text, 120);
  EXPECT_FALSE(leaks(out, kToken)) << out;
  EXPECT_LE(out.size(), 120u + 3);
  EXPECT_TRUE(out.ends_with("…"));
}

TEST(SecretScrubberTest, ShortTextIsNotClipped) {
  SecretScrubber s({{kToken, "<t>"}});
  EXPECT_EQ(s.scrub("abc", 3), "abc");
}

TEST(SecretScrubberTest, ManySecretsSharingAPrefixStayLinear) {
  std::vector<SecretScrubber::Secret> secrets;
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    std::string v = std::string("gh") + "p_" + std::to_string(100000 + i) + std::string(30, 'q');
    secrets.push_back({v, "…"});
    if (i % 100 == 0) text += v + " ";
  }
  SecretScrubber s(std::move(secrets));
  std::string out = s.scrub(text);
  EXPECT_EQ(out.find("qqqqqqqq"), std::string::npos);
}

TEST(SecretScrubberTest, ASafeCutNeverFallsInsideASecret) {
  SecretScrubber s({{kToken, "<t>"}});
  std::string text = std::string(97, 'x') + kToken + "yyyy";
  EXPECT_EQ(s.safe_cut(text, 100), 97 + kToken.size());
  EXPECT_EQ(s.safe_cut(text, 50), 50u);
}

TEST(SecretScrubberTest, AScrubberWithoutSecretsOnlyClips) {
  SecretScrubber s;
  EXPECT_EQ(s.scrub("abcdef", 3), "abc…");
}

}  // namespace
}  // namespace strata
