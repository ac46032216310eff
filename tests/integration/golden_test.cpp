// Golden files: the text, JSON and SARIF reports of a real buildah image, compared whole after
// masking what a rebuild of the fixture changes (its secrets are random, so digests,
// fingerprints, redacted prefixes and lengths, and timings differ between builds).
// Regenerate after an intended change: STRATA_UPDATE_GOLDEN=1 ctest -R Golden, then review
// the diff of tests/golden/.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::run_strata;

std::string mask(std::string text, const std::string& image) {
  for (size_t at; (at = text.find(image)) != std::string::npos;)
    text.replace(at, image.size(), "IMAGE");
  struct Rule {
    const char* pattern;
    const char* replacement;
  };
  static const Rule kRules[] = {
      {R"re(sha256:[0-9a-f]{12,64})re", R"re(sha256:<digest>)re"},
      {R"re(\b(file|dir|multi):[0-9a-f]{12,64})re", R"re($1:<hash>)re"},
      {R"re([0-9a-f]{32}\b)re", R"re(<fingerprint>)re"},
      {R"re(\b[0-9a-f]{12}\b)re", R"re(<id>)re"},
      {R"re([^\s"'`(]{0,4}…\(\d+ chars\))re", R"re(<redacted>)re"},
      {R"re("length": \d+)re", R"re("length": <n>)re"},
      {R"re("seconds": [0-9.e+-]+)re", R"re("seconds": <t>)re"},
      {R"re(in \d+\.\d+ s)re", R"re(in <t> s)re"},
      {R"re("(startTimeUtc|endTimeUtc)": "[^"]*")re", R"re("$1": "<time>")re"},
      {R"re(\d+\.\d+ (kB|MB|GB))re", R"re(<size>)re"},
      {R"re("(bytes_compressed|bytes_scanned)": \d+)re", R"re("$1": <n>)re"},
  };
  for (const Rule& r : kRules)
    text = std::regex_replace(text, std::regex(r.pattern), r.replacement);
  return text;
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(STRATA_SOURCE_DIR) + "/tests/golden/" + name;
  if (const char* update = std::getenv("STRATA_UPDATE_GOLDEN"); update && *update == '1') {
    test::write_file(path, actual);
    GTEST_SKIP() << "updated " << path;
  }
  std::string expected = test::read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with STRATA_UPDATE_GOLDEN=1";
  EXPECT_EQ(expected, actual) << "report differs from " << path;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, ReportMatchesGoldenFile) {
  std::string image = test::real_fixture("buildah-leaky.docker.tar");
  if (image.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.docker.tar missing";
  std::string format = GetParam();
  auto run = run_strata({"scan", image, "--format", format, "--no-color"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  check_golden("buildah-leaky." + format, mask(run.out, image));
}

INSTANTIATE_TEST_SUITE_P(Formats, GoldenTest, ::testing::Values("text", "json", "sarif"));

}  // namespace
}  // namespace strata
