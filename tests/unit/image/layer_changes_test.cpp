#include "strata/image/layer_changes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata {
namespace {

// record() appends paths that come in byte order without a tree walk; in any order, and with
// repeated paths, it gives what assigning each entry in turn gives.
TEST(LayerChanges, RecordGivesTheSameEntriesInAnyOrder) {
  std::vector<std::string> paths = {"a",   "a/x", "a-b", "a/y", "b",   "a.c/z", "a/x",
                                    "b/c", "a-b", "",    "z",   "b/c", "aa",    "a"};
  LayerChanges recorded;
  std::map<std::string, LayerEntry> assigned;
  for (size_t i = 0; i < paths.size(); ++i) {
    LayerEntry e{EntryType::kFile, static_cast<int64_t>(i), i + 1};
    recorded.record(paths[i], e);
    assigned[paths[i]] = e;
  }
  ASSERT_EQ(recorded.entries.size(), assigned.size());
  for (const auto& [path, entry] : assigned) {
    ASSERT_EQ(recorded.entries.count(path), 1u) << path;
    EXPECT_EQ(recorded.entries.at(path).size, entry.size) << path;  // the last one won
    EXPECT_EQ(recorded.entries.at(path).content_hash, entry.content_hash) << path;
  }
}

}  // namespace
}  // namespace strata
