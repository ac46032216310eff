// Every rule and provider count README.md states is what `strata rules list` prints: a rule
// added or removed without the README's counts updated fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support/test_env.hpp"

namespace strata {
namespace {

struct RuleCounts {
  size_t total = 0;
  size_t from_files = 0;
  size_t providers = 0;
  size_t builtin = 0;
  bool operator==(const RuleCounts&) const = default;
};

std::string describe(const RuleCounts& c) {
  return std::to_string(c.total) + " rules, " + std::to_string(c.from_files) + " from files, " +
         std::to_string(c.providers) + " providers, " + std::to_string(c.builtin) + " built in";
}

// The last line of `strata rules list`:
// "371 rules (354 from rule files for 191 providers, 17 built in), rule-set hash sha256:…".
RuleCounts counts_from_text() {
  auto list = test::run_strata({"rules", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  std::regex summary(
      R"((\d+) rules \((\d+) from rule files for (\d+) providers, (\d+) built in\), rule-set hash)");
  std::smatch m;
  if (!std::regex_search(list.out, m, summary)) {
    ADD_FAILURE() << "no counts in the last line of `strata rules list`:\n" << list.out;
    return {};
  }
  return {std::stoul(m[1]), std::stoul(m[2]), std::stoul(m[3]), std::stoul(m[4])};
}

// The same counts worked out from `strata rules list --format json`'s entries.
RuleCounts counts_from_json() {
  auto list = test::run_strata({"rules", "list", "--format", "json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json rules = nlohmann::json::parse(list.out);
  RuleCounts c;
  std::set<std::string> providers;
  for (const nlohmann::json& r : rules) {
    if (r.value("command", "") == "lint") continue;  // strata lint's checks, counted apart
    ++c.total;
    if (r.at("builtin").get<bool>()) {
      ++c.builtin;
      continue;
    }
    ++c.from_files;
    std::string id = r.at("id").get<std::string>();
    std::string provider = id.substr(0, id.find('.'));
    if (provider != "generic") providers.insert(provider);
  }
  c.providers = providers.size();
  return c;
}

// Every number in `readme` that `pattern`'s first group captures.
std::vector<size_t> numbers(const std::string& readme, const std::string& pattern) {
  std::vector<size_t> found;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), re);
       it != std::sregex_iterator(); ++it) {
    std::string digits = (*it)[1];
    std::erase(digits, ',');  // "1,024 rules"
    found.push_back(std::stoul(digits));
  }
  return found;
}

class ReadmeCountsTest : public testing::Test {
 protected:
  void SetUp() override {
    readme_ = test::read_file(std::string(STRATA_SOURCE_DIR) + "/README.md");
    ASSERT_FALSE(readme_.empty());
    tool_ = counts_from_text();
    ASSERT_GT(tool_.from_files, 0u);
    ASSERT_GT(tool_.builtin, 0u);
  }
  std::string readme_;
  RuleCounts tool_;
};

TEST_F(ReadmeCountsTest, RulesListSummaryMatchesItsEntries) {
  RuleCounts json = counts_from_json();
  EXPECT_EQ(json, tool_) << "json: " << describe(json) << "; text: " << describe(tool_);
  EXPECT_EQ(tool_.total, tool_.from_files + tool_.builtin);
}

TEST_F(ReadmeCountsTest, WhatItFindsStatesTheToolsCounts) {
  // "- **Tokens and keys**: 354 rules in `patterns/*.yml` for 191 providers"
  auto files = numbers(readme_, R"((\d+) rules in `patterns/\*\.yml` for \d+ providers)");
  auto providers = numbers(readme_, R"(\d+ rules in `patterns/\*\.yml` for (\d+) providers)");
  ASSERT_EQ(files.size(), 1u) << "README.md: \"N rules in `patterns/*.yml` for P providers\"";
  EXPECT_EQ(files[0], tool_.from_files) << describe(tool_);
  EXPECT_EQ(providers[0], tool_.providers) << describe(tool_);
  // "`strata rules list` shows all 371 rules, the 17 built-in ones included"
  auto total = numbers(readme_, R"(shows all (\d+) rules, the \d+ built-in ones)");
  auto builtin = numbers(readme_, R"(shows all \d+ rules, the (\d+) built-in ones)");
  ASSERT_EQ(total.size(), 1u) << "README.md: \"shows all N rules, the B built-in ones\"";
  EXPECT_EQ(total[0], tool_.total) << describe(tool_);
  EXPECT_EQ(builtin[0], tool_.builtin) << describe(tool_);
}

// A count stated anywhere else in the README (a new sentence, a table) must be a current one
// too, so no stale "346 rules" can sit beside the checked sentences.
TEST_F(ReadmeCountsTest, EveryStatedCountIsCurrent) {
  for (size_t n : numbers(readme_, R"((\d[\d,]*) (?:shipped |built-in |pattern )?rules\b)")) {
    EXPECT_TRUE(n == tool_.total || n == tool_.from_files || n == tool_.builtin)
        << "README.md states " << n << " rules; " << describe(tool_);
  }
  for (size_t n : numbers(readme_, R"((\d[\d,]*) providers\b)")) {
    EXPECT_EQ(n, tool_.providers) << "README.md states " << n << " providers";
  }
  for (size_t n : numbers(readme_, R"((\d[\d,]*) built-in\b)")) {
    EXPECT_EQ(n, tool_.builtin) << "README.md states " << n << " built-in rules";
  }
}

// Per rule file (one category each): the rules it holds and the providers (id prefixes, not
// `generic`) they are for, from `strata rules list --format json`.
std::map<std::string, std::pair<size_t, size_t>> counts_by_file() {
  auto list = test::run_strata({"rules", "list", "--format", "json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, std::set<std::string>> providers;
  std::map<std::string, size_t> rules;
  for (const nlohmann::json& r : nlohmann::json::parse(list.out)) {
    if (r.at("builtin").get<bool>()) continue;
    std::string file = std::filesystem::path(r.at("source_file").get<std::string>()).filename();
    std::string id = r.at("id").get<std::string>();
    ++rules[file];
    if (id.substr(0, id.find('.')) != "generic") providers[file].insert(id.substr(0, id.find('.')));
  }
  std::map<std::string, std::pair<size_t, size_t>> out;
  for (const auto& [file, n] : rules) out[file] = {providers[file].size(), n};
  return out;
}

// The README's table of categories: a row "| `FILE.yml` | what | P | R |" per rule file, with
// the file's providers and rules as strata counts them.
TEST_F(ReadmeCountsTest, CategoryTableListsEveryRuleFileWithItsCounts) {
  std::map<std::string, std::pair<size_t, size_t>> stated;
  std::regex row(R"(\| `([a-z0-9-]+\.yml)` \| [^|\n]+ \| (\d+) \| (\d+) \|)");
  for (auto it = std::sregex_iterator(readme_.begin(), readme_.end(), row);
       it != std::sregex_iterator(); ++it) {
    stated[(*it)[1]] = {std::stoul((*it)[2]), std::stoul((*it)[3])};
  }
  EXPECT_EQ(stated, counts_by_file()) << "README.md's category table (| `file.yml` | what | "
                                         "providers | rules |) is not what `rules list` counts";
}

}  // namespace
}  // namespace strata
