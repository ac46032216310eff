#include "strata/dockerfile/substitution.hpp"

#include <gtest/gtest.h>

#include <map>

namespace strata {
namespace {

std::map<std::string, std::string, std::less<>> vars = {{"A", "x"}, {"EMPTY", ""}, {"B", "y z"}};

VariableLookup lookup = [](std::string_view name) -> std::optional<std::string> {
  auto it = vars.find(name);
  if (it == vars.end()) return std::nullopt;
  return it->second;
};

std::string expand(std::string_view text, char escape = '\\') {
  auto out = expand_variables(text, lookup, escape);
  return out ? *out : "error: " + out.error().message;
}

TEST(SubstitutionTest, PlainAndBracedNames) {
  EXPECT_EQ(expand("$A/${A}/$B"), "x/x/y z");
  EXPECT_EQ(expand("${UNSET}-$UNSET-"), "--");
  EXPECT_EQ(expand("$Ab"), "");  // the name runs to the first non-name character
  EXPECT_EQ(expand("cost $ 5"), "cost $ 5");
}

TEST(SubstitutionTest, DefaultsWithAndWithoutColon) {
  EXPECT_EQ(expand("${UNSET:-d}"), "d");
  EXPECT_EQ(expand("${EMPTY:-d}"), "d");
  EXPECT_EQ(expand("${EMPTY-d}"), "");
  EXPECT_EQ(expand("${UNSET-d}"), "d");
  EXPECT_EQ(expand("${A:-d}"), "x");
}

TEST(SubstitutionTest, AlternativesWithAndWithoutColon) {
  EXPECT_EQ(expand("${A:+alt}"), "alt");
  EXPECT_EQ(expand("${EMPTY:+alt}"), "");
  EXPECT_EQ(expand("${EMPTY+alt}"), "alt");
  EXPECT_EQ(expand("${UNSET+alt}"), "");
}

TEST(SubstitutionTest, NestedWordsAreExpanded) {
  EXPECT_EQ(expand("${UNSET:-${A}-$B}"), "x-y z");
  EXPECT_EQ(expand("${A:+[$A]}"), "[x]");
}

TEST(SubstitutionTest, EscapesAndQuotes) {
  EXPECT_EQ(expand("\\$A"), "$A");
  EXPECT_EQ(expand("'$A'"), "$A");
  EXPECT_EQ(expand("\"$A \\$A\""), "x $A");
  EXPECT_EQ(expand("`$A", '`'), "$A");
  EXPECT_EQ(expand("a\\ b"), "a b");
}

TEST(SubstitutionTest, ErrorsNameWhatAndWhere) {
  EXPECT_EQ(expand("${A"), "error: unterminated ${A at column 4");
  EXPECT_EQ(expand("${}"), "error: bad substitution: a variable name expected at column 3");
  EXPECT_EQ(expand("${UNSET:?must be set}"), "error: UNSET: must be set at column 22");
  EXPECT_EQ(expand("${A:?x}"), "x");
  EXPECT_TRUE(expand("${A/x/y}").starts_with("error: unsupported modifier"));
  EXPECT_TRUE(expand("'open").starts_with("error: unterminated single quote"));
}

TEST(SubstitutionTest, ReferencedVariablesOfShellText) {
  EXPECT_EQ(referenced_variables("npm ci --token=$NPM_TOKEN && echo ${B:-x} $NPM_TOKEN"),
            (std::vector<std::string>{"NPM_TOKEN", "B"}));
  EXPECT_TRUE(referenced_variables("echo '$SINGLE' \\$ESCAPED $ 5").empty());
  EXPECT_EQ(referenced_variables("echo \"it's $A\""), (std::vector<std::string>{"A"}));
}

}  // namespace
}  // namespace strata
