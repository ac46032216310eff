#include "strata/findings/fingerprint_cache.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "strata/findings/finding.hpp"

namespace strata {
namespace {

std::string short_secret(int i) { return std::string("pw") + "-" + std::to_string(i); }

TEST(FingerprintCache, KeepsTheSlowFingerprintOfAShortSecret) {
  FingerprintCache cache(10);
  cache.prepare("generic.password", short_secret(1));
  auto kept = cache.find("generic.password", short_secret(1));
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, finding_fingerprint("generic.password", SecretValue(short_secret(1))));
  EXPECT_FALSE(cache.find("other.rule", short_secret(1)));  // keyed by rule too
  EXPECT_EQ(cache.derived(), 1u);
}

TEST(FingerprintCache, LeavesLongSecretsAlone) {
  FingerprintCache cache(10);
  std::string long_secret = std::string("gh") + "p_" + std::string(36, 'k');
  cache.prepare("github.pat", long_secret);
  EXPECT_FALSE(cache.find("github.pat", long_secret));
  EXPECT_EQ(cache.derived(), 0u);
}

TEST(FingerprintCache, DerivesEachSecretOnceAndStopsAtItsBudget) {
  FingerprintCache cache(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) cache.prepare("generic.password", short_secret(i));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.derived(), 2u);
  EXPECT_TRUE(cache.find("generic.password", short_secret(0)));
  EXPECT_TRUE(cache.find("generic.password", short_secret(1)));
  EXPECT_FALSE(cache.find("generic.password", short_secret(2)));
}

Finding short_finding(int i) {
  Finding f;
  f.rule_id = "generic.password";
  f.secret = SecretValue(short_secret(i));
  f.locations.push_back(Location{});
  return f;
}

// The cache only saves time: which findings get their real fingerprint stays merge_findings'
// decision (the first under the cap, in its order), whatever the scanning threads prepared.
TEST(FingerprintCache, MergeTakesPreparedFingerprintsUnderTheCapOnly) {
  FingerprintCache cache(10);
  cache.prepare("generic.password", short_secret(0));
  cache.prepare("generic.password", short_secret(2));  // past the cap of 2 below
  MergeStats stats;
  auto out =
      merge_findings({short_finding(0), short_finding(1), short_finding(2)}, &stats, 2, &cache);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(cache.found(), 1u);  // secret 0; secret 1 derived by the merge; 2 never looked up
  EXPECT_EQ(stats.unmatched_fingerprints, 1u);
  for (const Finding& f : out) {
    bool real = f.fingerprint == finding_fingerprint(f.rule_id, f.secret);
    EXPECT_EQ(real, f.secret.reveal() != short_secret(2)) << f.secret.reveal();
  }
}

}  // namespace
}  // namespace strata
