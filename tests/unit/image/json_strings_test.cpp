#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "strata/image/image_config.hpp"

namespace strata {
namespace {

using json = nlohmann::json;

size_t count_at(const std::vector<ConfigString>& strings, const std::string& location,
                const std::string& text) {
  size_t n = 0;
  for (const ConfigString& s : strings) n += s.location == location && s.text == text;
  return n;
}

TEST(JsonStringsTest, PrefixesLocations) {
  json doc = {{"annotations", {{"org.opencontainers.image.source", "https://x"}}}};
  auto strings = collect_json_strings(doc.dump(), "manifest");
  ASSERT_TRUE(strings.has_value());
  EXPECT_EQ(count_at(*strings, "manifest.annotations.org.opencontainers.image.source", "https://x"),
            1u);
}

TEST(JsonStringsTest, ArraysAreIndexed) {
  json doc = {{"a", {{{"b", {"x", "y"}}}}}};
  auto strings = collect_json_strings(doc.dump(), "");
  ASSERT_TRUE(strings.has_value());
  EXPECT_EQ(count_at(*strings, "a[0].b[1]", "y"), 1u);
}

TEST(JsonStringsTest, NonStringsAreSkipped) {
  auto strings = collect_json_strings(R"({"size": 12, "ok": true, "n": null, "f": 1.5})", "");
  ASSERT_TRUE(strings.has_value());
  EXPECT_TRUE(strings->empty());
}

TEST(JsonStringsTest, IdenticalTextsAtDifferentLocationsAreAllKept) {
  auto strings = collect_json_strings(R"({"Env": ["A=1", "A=1"], "Cmd": ["A=1"]})", "");
  ASSERT_TRUE(strings.has_value());
  EXPECT_EQ(count_at(*strings, "Env[0]", "A=1"), 1u);
  EXPECT_EQ(count_at(*strings, "Env[1]", "A=1"), 1u);
  EXPECT_EQ(count_at(*strings, "Cmd[0]", "A=1"), 1u);
}

TEST(JsonStringsTest, LabelValueIsReportedAloneAndWithItsKey) {
  std::string value = std::string("hun") + "ter2";
  json doc = {{"config", {{"Labels", {{"org.example.db_password", value}}}}}};
  auto strings = collect_json_strings(doc.dump(), "");
  ASSERT_TRUE(strings.has_value());
  const std::string loc = "config.Labels.org.example.db_password";
  EXPECT_EQ(count_at(*strings, loc, value), 1u);
  EXPECT_EQ(count_at(*strings, loc, "org.example.db_password: " + value), 1u);
}

TEST(JsonStringsTest, LabelNamedLikeASchemaFieldStillGetsItsKey) {
  json doc = {{"Labels", {{"author", "me"}}}};
  auto strings = collect_json_strings(doc.dump(), "");
  ASSERT_TRUE(strings.has_value());
  EXPECT_EQ(count_at(*strings, "Labels.author", "author: me"), 1u);
}

TEST(JsonStringsTest, SchemaFieldsAreReportedOnlyAsValues) {
  json doc = {{"history", {{{"created_by", "RUN x"}}}}, {"os", "linux"}};
  auto strings = collect_json_strings(doc.dump(), "");
  ASSERT_TRUE(strings.has_value());
  EXPECT_EQ(strings->size(), 2u);
  EXPECT_EQ(count_at(*strings, "history[0].created_by", "RUN x"), 1u);
}

TEST(JsonStringsTest, ProvenanceBuildArgGetsItsKey) {
  std::string value = std::string("np") + "m_" + std::string(36, 'z');
  json doc = {{"predicate",
               {{"invocation", {{"parameters", {{"args", {{"build-arg:NPM_TOKEN", value}}}}}}}}}};
  auto strings = collect_json_strings(doc.dump(), "attestation");
  ASSERT_TRUE(strings.has_value());
  const std::string loc = "attestation.predicate.invocation.parameters.args.build-arg:NPM_TOKEN";
  EXPECT_EQ(count_at(*strings, loc, value), 1u);
  EXPECT_EQ(count_at(*strings, loc, "build-arg:NPM_TOKEN: " + value), 1u);
}

TEST(JsonStringsTest, DeepNestingDoesNotOverflow) {
  std::string doc = std::string(100000, '[') + "\"x\"" + std::string(100000, ']');
  auto strings = collect_json_strings(doc, "");
  // nlohmann may refuse the depth or accept it; either way no crash, and when it parses
  // the one string is found.
  if (strings.has_value()) {
    ASSERT_EQ(strings->size(), 1u);
    EXPECT_EQ((*strings)[0].text, "x");
  }
}

TEST(JsonStringsTest, InvalidJsonIsAnError) {
  auto strings = collect_json_strings("{\"a\": ", "manifest");
  ASSERT_FALSE(strings.has_value());
  EXPECT_EQ(strings.error().message.rfind("invalid JSON: ", 0), 0u);
}

}  // namespace
}  // namespace strata
