// A file or config string the scanner could not fully scan is listed as skipped with its path
// and the reason, and makes the scan incomplete (an error: exit 2); what was found stands.
#include <gtest/gtest.h>
#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>

#include "strata/scan/image_scanner.hpp"
#include "strata/source/open_source.hpp"
#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::TarWriter;

std::string token(char c) { return std::string("to") + "k_" + std::string(19, c) + "7"; }

// PCRE2 gives up on this rule's candidate in `kSlowText`: greedy alternation over a run of 'a's
// as long as the rule's widest match is tried every way before the one that reaches the 'b'.
const std::string kSlowText = "x " + std::string(80, 'a') + "b";

std::shared_ptr<const MatchEngine> engine_with_a_slow_rule() {
  RuleSet set;
  for (auto [id, pattern] : {std::pair{"test.token", "\\b(?P<secret>tok_[a-z0-9]{20})\\b"},
                             std::pair{"test.backtrack", "(?:a|aa){1,40}b"}}) {
    Rule rule;
    rule.id = id;
    rule.name = id;
    rule.pattern = pattern;
    set.rules.push_back(rule);
  }
  auto engine = MatchEngine::compile(set);
  EXPECT_TRUE(engine) << engine.error().message;
  return *engine;
}

void* failing_hyperscan_alloc(size_t) { return nullptr; }

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  return std::ranges::any_of(
      lines, [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

bool any_ends_with(const std::vector<std::string>& lines, const std::string& end) {
  return std::ranges::any_of(lines, [&](const std::string& l) { return l.ends_with(end); });
}

class IncompleteScanTest : public ::testing::Test {
 protected:
  ScanReport scan(const test::TestImage& image) {
    test::write_oci_layout(dir_.path() + "/layout", {image});
    auto source = open_image_source("oci:" + dir_.path() + "/layout", {});
    EXPECT_TRUE(source) << source.error().message;
    return scan_source(**source, *engine_, ScanOptions{});
  }

  static test::TestImage image_with(const std::string& tar) {
    test::TestImage image;
    image.layers.push_back({tar, test::TestCompression::kGzip, ""});
    return image;
  }

  std::shared_ptr<const MatchEngine> engine_ = engine_with_a_slow_rule();
  test::TempDir dir_;
};

TEST_F(IncompleteScanTest, UnconfirmedCandidateInAFileIsSkippedWithItsPathAndAnError) {
  std::string slow_entry =
      "app/slow.txt: rule test.backtrack: 1 candidate(s) not confirmed "
      "(PCRE2: match limit exceeded), the first ending at byte " +
      std::to_string(kSlowText.size());
  ScanReport r = scan(image_with(TarWriter()
                                     .add_file("app/ok.txt", "T=" + token('a'))
                                     .add_file("app/slow.txt", kSlowText)
                                     .finish()));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].starts_with("layer ")) << r.errors[0];
  EXPECT_TRUE(r.errors[0].ends_with(": not fully scanned: " + slow_entry)) << r.errors[0];
  EXPECT_TRUE(any_ends_with(r.skipped, slow_entry));
  // What was confirmed stands.
  EXPECT_TRUE(std::ranges::any_of(
      r.findings, [](const Finding& f) { return f.secret.reveal() == token('a'); }));
}

TEST_F(IncompleteScanTest, SeveralIncompleteFilesAreOneErrorAndEachIsSkipped) {
  ScanReport r = scan(image_with(
      TarWriter().add_file("app/one.txt", kSlowText).add_file("app/two.txt", kSlowText).finish()));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].ends_with("(and 1 more, listed as skipped)")) << r.errors[0];
  EXPECT_TRUE(any_contains(r.skipped, "app/one.txt: rule test.backtrack"));
  EXPECT_TRUE(any_contains(r.skipped, "app/two.txt: rule test.backtrack"));
}

TEST_F(IncompleteScanTest, UnconfirmedCandidateInAConfigStringIsSkippedAndAnError) {
  test::TestImage image = image_with(TarWriter().add_file("app/ok.txt", "nothing").finish());
  image.config["config"]["Env"] = {"SLOW=" + kSlowText};
  ScanReport r = scan(image);
  ASSERT_EQ(r.errors.size(), 1u);
  std::string entry = "config.Env[0]: rule test.backtrack: 1 candidate(s) not confirmed";
  EXPECT_TRUE(r.errors[0].find(entry) != std::string::npos) << r.errors[0];
  EXPECT_TRUE(any_contains(r.skipped, entry));
}

// Hyperscan's stream allocator is process-wide: failing, no file and no string can be scanned.
TEST_F(IncompleteScanTest, FilesAndStringsLeftUnscannedAreSkippedAndErrors) {
  test::TestImage image = image_with(TarWriter().add_file("app/ok.txt", token('b')).finish());
  image.config["config"]["Env"] = {"T=" + token('c')};
  hs_set_stream_allocator(&failing_hyperscan_alloc, &std::free);
  ScanReport r = scan(image);
  hs_set_stream_allocator(nullptr, nullptr);
  std::string reason = ": not scanned: Hyperscan could not open a stream (out of memory)";
  EXPECT_TRUE(any_ends_with(r.skipped, "app/ok.txt" + reason));
  EXPECT_TRUE(any_ends_with(r.skipped, "config.Env[0]" + reason));
  EXPECT_TRUE(any_ends_with(r.errors, "not fully scanned: app/ok.txt" + reason));
  EXPECT_TRUE(any_contains(r.errors, "config.Env[0]" + reason));
  EXPECT_TRUE(r.findings.empty());
}

}  // namespace
}  // namespace strata
