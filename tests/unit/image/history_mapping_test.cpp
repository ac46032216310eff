#include <gtest/gtest.h>

#include "strata/image/image_config.hpp"

namespace strata {
namespace {

HistoryEntry step(const std::string& created_by, bool empty) {
  HistoryEntry e;
  e.created_by = created_by;
  e.empty_layer = empty;
  return e;
}

std::vector<LayerInfo> layers(int n) {
  std::vector<LayerInfo> out(n);
  for (int i = 0; i < n; ++i) out[i].index = i;
  return out;
}

TEST(HistoryMappingTest, MapsNonEmptyEntriesInOrder) {
  std::vector<HistoryEntry> history = {step("ADD rootfs", false), step("CMD sh", true),
                                       step("RUN make", false), step("COPY . .", false)};
  auto ls = layers(3);
  ASSERT_TRUE(map_history_to_layers(history, ls));
  EXPECT_EQ(ls[0].history_first, 0);
  EXPECT_EQ(ls[0].history_last, 0);
  EXPECT_EQ(ls[1].history_last, 2);
  EXPECT_EQ(ls[2].history_first, 3);
  EXPECT_EQ(ls[2].history_last, 3);
}

TEST(HistoryMappingTest, RangeStartsAfterPreviousLayerStep) {
  std::vector<HistoryEntry> history = {step("ADD rootfs", false), step("ENV A=b", true),
                                       step("WORKDIR /app", true), step("RUN make", false)};
  auto ls = layers(2);
  ASSERT_TRUE(map_history_to_layers(history, ls));
  EXPECT_EQ(ls[1].history_first, 1);
  EXPECT_EQ(ls[1].history_last, 3);
}

TEST(HistoryMappingTest, SquashedLayerCoversEveryStepSinceThePreviousLayer) {
  // buildah --squash: every step empty except the last, which carries the one new layer.
  std::vector<HistoryEntry> history = {step("ADD base", false), step("RUN a", true),
                                       step("COPY . .", true), step("RUN b", true),
                                       step("LABEL x=y", false)};
  auto ls = layers(2);
  ASSERT_TRUE(map_history_to_layers(history, ls));
  EXPECT_EQ(ls[1].history_first, 1);
  EXPECT_EQ(ls[1].history_last, 4);
}

TEST(HistoryMappingTest, TooFewEntriesLeavesLayersUnmapped) {
  std::vector<HistoryEntry> history = {step("ADD rootfs", false), step("RUN x", true)};
  auto ls = layers(2);
  EXPECT_FALSE(map_history_to_layers(history, ls));
  for (const LayerInfo& l : ls) {
    EXPECT_FALSE(l.history_first.has_value());
    EXPECT_FALSE(l.history_last.has_value());
  }
}

TEST(HistoryMappingTest, TooManyEntriesClearsAnEarlierMapping) {
  std::vector<HistoryEntry> history = {step("ADD rootfs", false), step("RUN x", false),
                                       step("RUN y", false)};
  auto ls = layers(2);
  ls[0].history_first = 0;
  ls[0].history_last = 0;
  EXPECT_FALSE(map_history_to_layers(history, ls));
  EXPECT_FALSE(ls[0].history_first.has_value());
  EXPECT_FALSE(ls[0].history_last.has_value());
}

TEST(HistoryMappingTest, NoHistoryAndNoLayersIsAnEmptyMapping) {
  std::vector<LayerInfo> ls;
  EXPECT_TRUE(map_history_to_layers({}, ls));
}

}  // namespace
}  // namespace strata
