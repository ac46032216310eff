// What a sweep shared by many workers needs from the store, on both engines: counts added once
// per finished item, one worker ending the sweep, a restarted worker's claims handed back, an
// image recorded with its findings at once, and an unchanged image seen again.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using namespace std::chrono_literals;

class StoreSweepProgressTest : public EngineStoreTest {
 protected:
  void SetUp() override {
    EngineStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open();
    ASSERT_TRUE(store_);
    sweep_ = store_->begin_sweep("registry.test:5000").value();
    ASSERT_TRUE(store_->add_work(sweep_, {{"image", "r/a:1", ""}, {"image", "r/a:2", ""}}));
  }

  SweepRecord sweep_row() {
    std::vector<SweepRecord> sweeps = store_->sweeps().value();
    for (const SweepRecord& s : sweeps) {
      if (s.id == sweep_) return s;
    }
    ADD_FAILURE() << "no sweep " << sweep_;
    return {};
  }

  std::unique_ptr<Store> store_;
  int64_t sweep_ = 0;
};
STRATA_STORE_ENGINES(StoreSweepProgressTest);

TEST_P(StoreSweepProgressTest, AnItemFinishedTwiceCountsOnce) {
  SweepCounts counts{.images = 1, .layers = 2, .layers_scanned = 1, .findings = 3, .errors = 0};
  ASSERT_TRUE(store_->claim_work(sweep_, "image", "w1", 60s, 1));
  ASSERT_TRUE(store_->finish_counted_work(sweep_, "image", "r/a:1", "w1", counts));
  ASSERT_TRUE(store_->finish_counted_work(sweep_, "image", "r/a:1", "w2", counts));
  ASSERT_TRUE(store_->finish_counted_work(sweep_, "image", "r/a:2", "w2", counts));
  SweepRecord row = sweep_row();
  EXPECT_EQ(row.counts.images, 2);
  EXPECT_EQ(row.counts.findings, 6);
  EXPECT_EQ(row.counts.layers_scanned, 2);
  EXPECT_EQ(store_->work_counts(sweep_, "image").value().done, 2);
}

TEST_P(StoreSweepProgressTest, OnlyTheFirstCloseEndsTheSweep) {
  auto other = open();
  ASSERT_TRUE(other);
  EXPECT_TRUE(store_->close_sweep(sweep_).value());
  EXPECT_FALSE(other->close_sweep(sweep_).value());
  EXPECT_TRUE(sweep_row().ended_at.has_value());
  EXPECT_FALSE(store_->open_sweep("registry.test:5000").value().has_value());
}

TEST_P(StoreSweepProgressTest, ReleasedClaimsAreClaimableAtOnce) {
  ASSERT_EQ(store_->claim_work(sweep_, "image", "w1", 600s, 2).value().size(), 2u);
  EXPECT_TRUE(store_->claim_work(sweep_, "image", "w2", 600s, 2).value().empty());
  ASSERT_TRUE(store_->release_claims(sweep_, "w2"));  // holds nothing: changes nothing
  EXPECT_TRUE(store_->claim_work(sweep_, "image", "w2", 600s, 2).value().empty());
  ASSERT_TRUE(store_->release_claims(sweep_, "w1"));
  EXPECT_EQ(store_->claim_work(sweep_, "image", "w1", 600s, 2).value().size(), 2u);
}

TEST_P(StoreSweepProgressTest, AStoredImageIsFoundByManifestAndSeenAgainBySweep) {
  ImageRecord image = image_record("team/app", "1", "m1");
  Finding f = make_finding("aws.access-key", random_secret("AKIA"), Severity::kHigh,
                           {layer_location(1, "etc/env", FateKind::kPresent)});
  auto id = store_->record_image_with_findings(image, sweep_, {f});
  ASSERT_TRUE(id) << id.error().message;

  auto found = store_->stored_images(image.registry, "team/app", image.manifest_digest);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, *id);
  EXPECT_EQ((*found)[0].image.layer_digests, image.layer_digests);
  EXPECT_TRUE(
      store_->stored_images(image.registry, "team/other", image.manifest_digest).value().empty());

  int64_t later = store_->begin_sweep("registry.test:5000").value();
  EXPECT_EQ(store_->mark_image_seen(*id, later).value(), 1);
  auto rows = store_->query(QueryFilter{}).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first_seen_sweep, sweep_);
  EXPECT_EQ(rows[0].last_seen_sweep, later);
}

}  // namespace
}  // namespace strata::test
