#include "../../../src/remediation/history_instruction.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(HistoryInstructionTest, CopyDestinationIsTheLastWord) {
  EXPECT_EQ(copy_destination("--chown=app .env ./config/ /app/"), "/app/");
  EXPECT_EQ(copy_destination(" .env . "), ".");
  EXPECT_EQ(copy_destination(""), "");
}

TEST(HistoryInstructionTest, AssignedNamesAndValues) {
  std::vector<std::string> names = assigned_names("A=1 B=\"x y\" C", false);
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[1], "B");
  EXPECT_EQ(names[2], "C");
  EXPECT_EQ(assigned_value("A=1 B=\"x y\"", "B"), "x y");
  EXPECT_EQ(assigned_names("NAME some value", true), std::vector<std::string>{"NAME"});
  EXPECT_EQ(assigned_value("NAME some value", "NAME"), "some value");
}

}  // namespace
}  // namespace strata
