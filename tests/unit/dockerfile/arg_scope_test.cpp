#include "strata/dockerfile/arg_scope.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

Dockerfile parsed(std::string_view text) {
  auto df = parse_dockerfile(text);
  EXPECT_TRUE(df) << df.error().message;
  return *df;
}

std::optional<std::string> value_of(const VariableScope& scope, const std::string& name) {
  auto it = scope.find(name);
  return it == scope.end() ? std::nullopt : it->second.value;
}

TEST(ArgScopeTest, KeyValuesOfArgEnvAndLabel) {
  Dockerfile df = parsed("FROM a\nARG A=1 B\nENV C=\"x y\" D=2\nENV E legacy value\n");
  auto arg = key_values(df.stages[0].instructions[0]);
  ASSERT_EQ(arg.size(), 2u);
  EXPECT_EQ(arg[0].key, "A");
  EXPECT_EQ(arg[0].raw_value, "1");
  EXPECT_EQ(arg[1].raw_value, std::nullopt);
  auto env = key_values(df.stages[0].instructions[1]);
  ASSERT_EQ(env.size(), 2u);
  EXPECT_EQ(env[0].raw_value, "\"x y\"");
  auto legacy = key_values(df.stages[0].instructions[2]);
  ASSERT_EQ(legacy.size(), 1u);
  EXPECT_EQ(legacy[0].key, "E");
  EXPECT_EQ(legacy[0].raw_value, "legacy value");
}

TEST(ArgScopeTest, GlobalArgsAreVisibleInAStageOnlyWhenDeclaredAgain) {
  Dockerfile df = parsed("ARG V=1.2\nARG T\nFROM a:$V\nRUN one\nARG V\nRUN two\n");
  EXPECT_EQ(value_of(global_scope(df), "V"), "1.2");
  const DockerfileStage& stage = df.stages[0];
  EXPECT_FALSE(variables_at(df, stage, 0).contains("V"));
  EXPECT_EQ(value_of(variables_at(df, stage, 2), "V"), "1.2");
  EXPECT_TRUE(variables_at(df, stage, 2).at("V").is_arg);
  EXPECT_EQ(variables_at(df, stage, 2).at("V").line, 5);
}

TEST(ArgScopeTest, BuildArgsOverrideDefaults) {
  Dockerfile df = parsed("ARG V=1\nFROM a\nARG V\nARG W=d\nRUN x\n");
  auto scope = variables_at(df, df.stages[0], 2, {{"V", "9"}, {"W", "w"}});
  EXPECT_EQ(value_of(scope, "V"), "9");
  EXPECT_EQ(value_of(scope, "W"), "w");
}

TEST(ArgScopeTest, ValuesAreSubstitutedWithWhatCameBefore) {
  Dockerfile df = parsed("FROM a\nARG HOME_DIR=/srv\nENV CONF=${HOME_DIR}/conf OTHER=${NONE:-d}\n");
  auto scope = variables_at(df, df.stages[0], 2);
  EXPECT_EQ(value_of(scope, "CONF"), "/srv/conf");
  EXPECT_EQ(value_of(scope, "OTHER"), "d");
  EXPECT_FALSE(scope.at("CONF").is_arg);
}

TEST(ArgScopeTest, AStageInheritsTheEnvNotTheArgsOfItsBase) {
  Dockerfile df = parsed("FROM a AS base\nARG SECRET=s\nENV PATH_X=/x\nFROM base\nRUN y\n");
  auto scope = variables_at(df, df.stages[1], 0);
  EXPECT_EQ(value_of(scope, "PATH_X"), "/x");
  EXPECT_FALSE(scope.contains("SECRET"));
}

}  // namespace
}  // namespace strata
