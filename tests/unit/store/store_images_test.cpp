#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using StoreImagesTest = EngineStoreTest;
STRATA_STORE_ENGINES(StoreImagesTest);

TEST_P(StoreImagesTest, RecordingAnImageTwiceAddsNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  ImageRecord image = image_record("team/app", "1.4", "m1", 3);
  auto first = store->record_image(image);
  ASSERT_TRUE(first) << first.error().message;
  auto second = store->record_image(image);
  ASSERT_TRUE(second);
  EXPECT_EQ(*first, *second);
  for (const char* table : {"registries", "repositories", "manifests", "tags", "images"}) {
    EXPECT_EQ(count(table), 1) << table;
  }
  EXPECT_EQ(count("image_layers"), 3);
}

TEST_P(StoreImagesTest, SharedRegistryAndRepositoryRowsAreReused) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_image(image_record("team/app", "1.4", "m1")));
  ASSERT_TRUE(store->record_image(image_record("team/app", "1.5", "m2")));
  ASSERT_TRUE(store->record_image(image_record("team/db", "1", "m3")));
  EXPECT_EQ(count("registries"), 1);
  EXPECT_EQ(count("repositories"), 2);
  EXPECT_EQ(count("manifests"), 3);
  EXPECT_EQ(count("images"), 3);
}

TEST_P(StoreImagesTest, PlatformsOfOneManifestAreSeparateImages) {
  auto store = open();
  ASSERT_TRUE(store);
  auto [amd, arm] = two_platforms("team/app", "1.4");
  auto a = store->record_image(amd);
  auto b = store->record_image(arm);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(count("manifests"), 1);
  EXPECT_EQ(count("images"), 2);
}

TEST_P(StoreImagesTest, ATagMovesToItsNewManifest) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_image(image_record("team/app", "latest", "old")));
  ASSERT_TRUE(store->record_image(image_record("team/app", "latest", "new")));
  EXPECT_EQ(count("tags"), 1);
  SqlSession sql = raw_session();
  std::string digest;
  ASSERT_TRUE(sql.run("SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id", {},
                      [&](const SqlStatement& row) { digest = row.column_text(0); }));
  EXPECT_EQ(digest, fake_digest("new"));
}

TEST_P(StoreImagesTest, AnUntaggedImageHasNoTag) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->record_image(image_record("team/app", "", "m1")));
  EXPECT_EQ(count("tags"), 0);
  EXPECT_EQ(count("images"), 1);
}

TEST_P(StoreImagesTest, AnImageWithoutManifestDigestIsRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  ImageRecord image = image_record("team/app", "1", "m1");
  image.manifest_digest.clear();
  auto id = store->record_image(image);
  ASSERT_FALSE(id);
  EXPECT_NE(id.error().message.find("team/app"), std::string::npos) << id.error().message;
  EXPECT_EQ(count("images"), 0);
}

TEST_P(StoreImagesTest, SweepsAreListedWithTheirCounts) {
  auto store = open();
  ASSERT_TRUE(store);
  auto first = store->begin_sweep("registry.test");
  auto second = store->begin_sweep("");
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);
  ASSERT_TRUE(store->end_sweep(*first, SweepCounts{20, 9, 4, 3, 1}));
  auto sweeps = store->sweeps();
  ASSERT_TRUE(sweeps);
  ASSERT_EQ(sweeps->size(), 2u);
  const SweepRecord& done = sweeps->at(0);
  EXPECT_EQ(done.registry, "registry.test");
  ASSERT_TRUE(done.ended_at);
  EXPECT_GE(*done.ended_at, done.started_at);
  EXPECT_EQ(done.counts.images, 20);
  EXPECT_EQ(done.counts.layers, 9);
  EXPECT_EQ(done.counts.layers_scanned, 4);
  EXPECT_EQ(done.counts.findings, 3);
  EXPECT_EQ(done.counts.errors, 1);
  EXPECT_FALSE(sweeps->at(1).ended_at);  // still running
}

TEST_P(StoreImagesTest, EndingAnUnknownSweepIsAnError) {
  auto store = open();
  ASSERT_TRUE(store);
  auto ended = store->end_sweep(42, SweepCounts{});
  ASSERT_FALSE(ended);
  EXPECT_NE(ended.error().message.find("42"), std::string::npos);
}

}  // namespace
}  // namespace strata::test
