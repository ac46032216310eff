#include "strata/image/image_config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "strata/core/digest.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

const ConfigString* find_at(const std::vector<ConfigString>& strings, const std::string& location,
                            const std::string& text) {
  for (const ConfigString& s : strings) {
    if (s.location == location && s.text == text) return &s;
  }
  return nullptr;
}

json sample_config() {
  return {
      {"architecture", "arm64"},
      {"os", "linux"},
      {"variant", "v8"},
      {"config", {{"Env", {"PATH=/bin", "API_KEY=abc"}}, {"Cmd", {"node", "app.js"}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_of("a").str(), sha256_of("b").str()}}}},
      {"history",
       {{{"created", "2024-01-01T00:00:00Z"}, {"created_by", "ADD rootfs"}},
        {{"created_by", "ENV A=b"}, {"empty_layer", true}},
        {{"created_by", "RUN make"}, {"comment", "buildkit.dockerfile.v0"}}}}};
}

TEST(ImageConfigTest, ParsesPlatform) {
  auto cfg = parse_image_config(sample_config().dump());
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->platform, (Platform{"linux", "arm64", "v8"}));
}

TEST(ImageConfigTest, ParsesHistory) {
  auto cfg = parse_image_config(sample_config().dump());
  ASSERT_TRUE(cfg.has_value());
  ASSERT_EQ(cfg->history.size(), 3u);
  EXPECT_EQ(cfg->history[0].created, "2024-01-01T00:00:00Z");
  EXPECT_EQ(cfg->history[0].created_by, "ADD rootfs");
  EXPECT_FALSE(cfg->history[0].empty_layer);
  EXPECT_TRUE(cfg->history[1].empty_layer);
  EXPECT_EQ(cfg->history[2].comment, "buildkit.dockerfile.v0");
}

TEST(ImageConfigTest, ParsesDiffIds) {
  auto cfg = parse_image_config(sample_config().dump());
  ASSERT_TRUE(cfg.has_value());
  ASSERT_EQ(cfg->diff_ids.size(), 2u);
  EXPECT_EQ(cfg->diff_ids[0], sha256_of("a"));
  EXPECT_EQ(cfg->diff_ids[1], sha256_of("b"));
}

TEST(ImageConfigTest, BadDiffIdNamesItsIndex) {
  json c = sample_config();
  c["rootfs"]["diff_ids"][1] = "sha256:nothex";
  auto cfg = parse_image_config(c.dump());
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().message.find("rootfs.diff_ids[1]"), std::string::npos)
      << cfg.error().message;
}

TEST(ImageConfigTest, MistypedHistoryFieldIsAnError) {
  json c = sample_config();
  c["history"][2]["empty_layer"] = "yes";
  auto cfg = parse_image_config(c.dump());
  ASSERT_FALSE(cfg.has_value());
  EXPECT_NE(cfg.error().message.find("history[2].empty_layer"), std::string::npos);
}

TEST(ImageConfigTest, InvalidJsonReportsByteWithoutQuotingInput) {
  std::string secret = std::string("gh") + "p_" + std::string(36, 'q');
  std::string text = "{\"config\": {\"Env\": [\"T=" + secret + "\" oops]}}";
  auto cfg = parse_image_config(text);
  ASSERT_FALSE(cfg.has_value());
  const std::string& m = cfg.error().message;
  EXPECT_EQ(m.rfind("invalid JSON: ", 0), 0u) << m;
  EXPECT_NE(m.find(" at byte "), std::string::npos) << m;
  EXPECT_EQ(m.find(secret), std::string::npos) << m;
  EXPECT_EQ(m.find("oops"), std::string::npos) << m;
}

TEST(ImageConfigTest, NonObjectIsAnError) {
  EXPECT_FALSE(parse_image_config("[1, 2]").has_value());
}

TEST(ImageConfigTest, MissingSectionsGiveAnEmptyConfig) {
  auto cfg = parse_image_config("{}");
  ASSERT_TRUE(cfg.has_value());
  EXPECT_TRUE(cfg->history.empty());
  EXPECT_TRUE(cfg->diff_ids.empty());
  EXPECT_TRUE(cfg->strings.empty());
}

TEST(ImageConfigTest, StringsAreLocated) {
  auto cfg = parse_image_config(sample_config().dump());
  ASSERT_TRUE(cfg.has_value());
  EXPECT_NE(find_at(cfg->strings, "config.Env[1]", "API_KEY=abc"), nullptr);
  EXPECT_NE(find_at(cfg->strings, "config.Cmd[0]", "node"), nullptr);
  EXPECT_NE(find_at(cfg->strings, "architecture", "arm64"), nullptr);
}

TEST(ImageConfigTest, HistoryStringsCarryTheirStep) {
  auto cfg = parse_image_config(sample_config().dump());
  ASSERT_TRUE(cfg.has_value());
  const ConfigString* s = find_at(cfg->strings, "history[2].created_by", "RUN make");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->history_step, 2);
  const ConfigString* env = find_at(cfg->strings, "config.Env[0]", "PATH=/bin");
  ASSERT_NE(env, nullptr);
  EXPECT_FALSE(env->history_step.has_value());
}

TEST(ImageConfigTest, ContainerConfigStringsAreLocated) {
  json c = sample_config();
  c["container_config"]["Cmd"] = {"/bin/sh", "-c", "#(nop) CMD"};
  auto cfg = parse_image_config(c.dump());
  ASSERT_TRUE(cfg.has_value());
  EXPECT_NE(find_at(cfg->strings, "container_config.Cmd[0]", "/bin/sh"), nullptr);
}

}  // namespace
}  // namespace strata
