// A build context in a temporary directory and a one-rule engine, for the lint tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "strata/lint/lint.hpp"
#include "support/test_env.hpp"

namespace strata::lint_test {

// Test tokens: "tok_" and 20 characters, made at run time.
inline std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "9"; }

inline std::shared_ptr<const MatchEngine> token_engine() {
  Rule rule;
  rule.id = "test.token";
  rule.name = "test token";
  rule.pattern = "\\b(?P<secret>tok_[a-z0-9]{20})\\b";
  RuleSet set;
  set.rules.push_back(rule);
  return *MatchEngine::compile(set);
}

class Context {
 public:
  void write(const std::string& path, const std::string& text) const {
    std::filesystem::path p = std::filesystem::path(dir_.path()) / path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  std::string path(const std::string& rel = "") const {
    return rel.empty() ? dir_.path() : (std::filesystem::path(dir_.path()) / rel).string();
  }
  LintTarget target(const std::string& dockerfile_text) const {
    write("Dockerfile", dockerfile_text);
    auto t = load_lint_target(path("Dockerfile"), path());
    EXPECT_TRUE(t) << t.error().message;
    return *t;
  }

 private:
  test::TempDir dir_;
};

inline const Finding* find_rule(const std::vector<Finding>& findings, const std::string& id) {
  for (const Finding& f : findings) {
    if (f.rule_id == id) return &f;
  }
  return nullptr;
}

}  // namespace strata::lint_test
