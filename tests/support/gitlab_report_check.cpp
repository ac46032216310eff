#include "support/gitlab_report_check.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace strata::test {

using nlohmann::json;

// The fields GitLab's secret-detection schema (15.0.x) requires, checked by hand: the schema
// text is not vendored. GitLab rejects the whole report when one is missing.
void expect_gitlab_report_fields(const json& doc) {
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc["version"].is_string());
  EXPECT_TRUE(std::regex_match(doc["version"].get<std::string>(), std::regex(R"(15\.\d+\.\d+)")));
  ASSERT_TRUE(doc["vulnerabilities"].is_array());
  const json& scan = doc["scan"];
  ASSERT_TRUE(scan.is_object());
  for (const char* who : {"analyzer", "scanner"}) {
    SCOPED_TRACE(who);
    const json& t = scan[who];
    for (const char* key : {"id", "name", "version"}) {
      EXPECT_TRUE(t[key].is_string() && !t[key].get<std::string>().empty()) << key;
    }
    EXPECT_TRUE(t["vendor"]["name"].is_string());
  }
  EXPECT_EQ(scan["type"], "secret_detection");
  std::regex time(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
  EXPECT_TRUE(std::regex_match(scan["start_time"].get<std::string>(), time));
  EXPECT_TRUE(std::regex_match(scan["end_time"].get<std::string>(), time));
  EXPECT_TRUE(scan["status"] == "success" || scan["status"] == "failure");
  for (const json& v : doc["vulnerabilities"]) {
    EXPECT_TRUE(v["id"].is_string() && !v["id"].get<std::string>().empty());
    EXPECT_EQ(v["category"], "secret_detection");
    ASSERT_TRUE(v["identifiers"].is_array());
    ASSERT_FALSE(v["identifiers"].empty());
    for (const json& id : v["identifiers"]) {
      for (const char* key : {"type", "name", "value"}) EXPECT_TRUE(id[key].is_string()) << key;
    }
    const json& l = v["location"];
    EXPECT_TRUE(l["file"].is_string());
    EXPECT_TRUE(l["start_line"].is_number_integer());
    EXPECT_GE(l["start_line"].get<int>(), 1);
    EXPECT_TRUE(l["commit"]["sha"].is_string());
    static const std::set<std::string> kSeverities = {"Critical", "High", "Medium",
                                                      "Low",      "Info", "Unknown"};
    EXPECT_TRUE(kSeverities.contains(v["severity"].get<std::string>()));
  }
}

}  // namespace strata::test
