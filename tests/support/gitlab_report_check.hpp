// Test support: checks a `strata scan --format gitlab` report for every field GitLab's
// secret-detection report schema (15.0.x) requires, by hand (the schema text is not vendored).
// GitLab rejects the whole report when one is missing.
//
//   expect_gitlab_report_fields(nlohmann::json::parse(report_text));
//
// Reports through gtest EXPECT/ASSERT failures in the calling test; thread-compatible.
#pragma once

#include <nlohmann/json.hpp>

namespace strata::test {

void expect_gitlab_report_fields(const nlohmann::json& doc);

}  // namespace strata::test
