// Every option `strata scan --help`, `rules --help`, `query --help`, `sweep --help` and
// `lint --help` offer is
// documented in README.md:
// a flag added without its README row fails here.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "support/test_env.hpp"

namespace strata {
namespace {

std::set<std::string> long_flags(const std::string& help) {
  std::set<std::string> flags;
  std::regex flag(R"re((^|[\s,])(--[a-z][a-z0-9-]+))re");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), flag); it != std::sregex_iterator();
       ++it) {
    flags.insert((*it)[2]);
  }
  return flags;
}

TEST(ReadmeFlagsTest, EveryCommandsFlagIsInTheReadme) {
  std::string readme = test::read_file(std::string(STRATA_SOURCE_DIR) + "/README.md");
  ASSERT_FALSE(readme.empty());
  for (const char* command : {"scan", "rules", "query", "sweep", "lint"}) {
    auto help = test::run_strata({command, "--help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    std::set<std::string> flags = long_flags(help.out);
    EXPECT_GT(flags.size(), 3u) << command;
    for (const std::string& f : flags) {
      if (f == "--help") continue;
      // In a table row or an example: "`--flag", "`-f, --flag" or "strata scan … --flag".
      std::regex documented("(`|`-[a-z], | )" + f + "([^a-z0-9-]|$)");
      EXPECT_TRUE(std::regex_search(readme, documented))
          << f << " (strata " << command << ") is not documented in README.md";
    }
  }
}

}  // namespace
}  // namespace strata
