#include "json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace strata {
namespace {

std::string nlohmann_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Every member of a wide object is written (the JSON report's old location writer kept 24),
// in nlohmann's layout.
TEST(JsonWriterTest, ObjectOfManyMembersKeepsEveryOne) {
  nlohmann::json expected = nlohmann::json::object();
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  for (int i = 0; i < 60; ++i) {
    std::string key = "k" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    if (i % 3 == 0) {
      w.key(key).value(i);
      expected[key] = i;
    } else if (i % 3 == 1) {
      w.key(key).value("v" + std::to_string(i));
      expected[key] = "v" + std::to_string(i);
    } else {
      w.key(key).value(i % 2 == 0);
      expected[key] = i % 2 == 0;
    }
  }
  w.end_object();
  EXPECT_EQ(nlohmann::json::parse(text).size(), 60u);
  EXPECT_EQ(text, nlohmann_text(expected));
}

TEST(JsonWriterTest, NestedAndEmptyContainersAreLaidOutAsNlohmann) {
  nlohmann::json remediation = {{"kind", "rotate"}, {"lines", {"a", "b"}}};
  nlohmann::json expected = {{"a", nlohmann::json::array()},
                             {"b", nlohmann::json::object()},
                             {"c", {{"d", {1, 2}}, {"e", remediation}}},
                             {"f", 1.5},
                             {"g", uint64_t{18446744073709551615u}},
                             {"h", int64_t{-7}}};
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.key("a").begin_array();
  w.end_array();
  w.key("b").begin_object();
  w.end_object();
  w.key("c").begin_object();
  w.key("d").begin_array();
  w.value(1);
  w.value(2);
  w.end_array();
  w.key("e").value(remediation);
  w.end_object();
  w.key("f").value(1.5);
  w.key("g").value(uint64_t{18446744073709551615u});
  w.key("h").value(int64_t{-7});
  w.end_object();
  EXPECT_EQ(text, nlohmann_text(expected));
}

TEST(JsonWriterTest, StringsAreEscapedByNlohmann) {
  std::string odd =
      std::string("q\"b\\ t\t nl\n ctl\x01\x1f del\x7f caf\xc3\xa9 bad\xff\xfe cut\xe2\x82");
  std::string text;
  JsonWriter w(text);
  w.begin_array();
  w.value(odd);
  w.end_array();
  EXPECT_EQ(text, nlohmann_text(nlohmann::json::array({odd})));
}

TEST(JsonWriterTest, ElementsRenderedElsewhereTakeTheirPlace) {
  std::string direct;
  JsonWriter d(direct);
  d.begin_object();
  d.key("items").begin_array();
  for (int i = 0; i < 3; ++i) {
    d.begin_object();
    d.key("n").value(i);
    d.end_object();
  }
  d.end_array();
  d.end_object();

  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.key("items").begin_array();
  std::string pieces[3];
  for (int i = 2; i >= 0; --i) {  // rendered in any order
    JsonWriter e = JsonWriter::elements_of(w, pieces[i], static_cast<size_t>(i));
    e.begin_object();
    e.key("n").value(i);
    e.end_object();
  }
  for (size_t i = 0; i < 3; ++i) w.append_elements(pieces[i], i, 1);
  w.end_array();
  w.end_object();
  EXPECT_EQ(text, direct);
  EXPECT_THROW(w.append_elements(pieces[0], 0, 1), std::logic_error);  // array closed
}

TEST(JsonWriterTest, KeysOutOfOrderOrRepeatedAreRefused) {
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  w.key("b").value(1);
  EXPECT_THROW(w.key("a"), std::logic_error);
  EXPECT_THROW(w.key("b"), std::logic_error);
}

TEST(JsonWriterTest, MisplacedValuesAndEndsAreRefused) {
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  EXPECT_THROW(w.value(1), std::logic_error);  // no key
  EXPECT_THROW(w.end_array(), std::logic_error);
  w.key("a");
  EXPECT_THROW(w.end_object(), std::logic_error);  // key without value
  w.value(1);
  w.end_object();
  EXPECT_THROW(w.value(2), std::logic_error);  // a second document
}

TEST(JsonWriterTest, ElementWriterCannotCloseItsParentsArray) {
  std::string text, piece;
  JsonWriter w(text);
  w.begin_array();
  JsonWriter e = JsonWriter::elements_of(w, piece, 0);
  EXPECT_THROW(e.end_array(), std::logic_error);
  EXPECT_THROW(w.append_elements(piece, 1, 1), std::logic_error);  // w has no element yet
}

}  // namespace
}  // namespace strata
