#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using StoreScaleTest = EngineStoreTest;
STRATA_STORE_ENGINES(StoreScaleTest);

constexpr int kImagesEach = 40;

// A sweep of kImagesEach images of one repository, one finding each.
Status write_images(Store& store, const std::string& repository) {
  auto sweep = store.begin_sweep("registry.test:5000");
  if (!sweep) return fail(sweep.error());
  for (int i = 0; i < kImagesEach; ++i) {
    std::string tag = std::to_string(i);
    auto image = store.record_image(image_record(repository, tag, repository + tag));
    if (!image) return fail(image.error());
    Finding f = make_finding("rule." + repository, random_secret("s"), Severity::kHigh,
                             {layer_location(0, "p" + tag, FateKind::kPresent)});
    if (auto done = store.record_image_findings(*image, *sweep, {f}); !done) return done;
  }
  return {};
}

TEST_P(StoreScaleTest, TwoStoresOnOneFileBothWrite) {
  auto first = open();
  auto second = open();
  ASSERT_TRUE(first && second);
  auto writer = [](Store& store, const std::string& repository, Status* result) {
    *result = write_images(store, repository);
  };
  Status a, b;
  std::thread one(writer, std::ref(*first), "one", &a);
  std::thread two(writer, std::ref(*second), "two", &b);
  one.join();
  two.join();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(count("images"), 2 * kImagesEach);
  EXPECT_EQ(count("image_findings"), 2 * kImagesEach);
  // Each sees what the other wrote.
  QueryFilter other;
  other.repository = "two";
  EXPECT_EQ(first->query(other).value().size(), static_cast<size_t>(kImagesEach));
  other.repository = "one";
  EXPECT_EQ(second->query(other).value().size(), static_cast<size_t>(kImagesEach));
  EXPECT_EQ(first->sweeps().value().size(), 2u);
}

// Two writers record the same secrets (a base layer two images share) in opposite orders, at
// once: on PostgreSQL the row locks of the shared findings must not deadlock.
TEST_P(StoreScaleTest, WritersOfSharedFindingsInOppositeOrdersBothFinish) {
  constexpr int kShared = 300;
  std::vector<Finding> shared;
  for (int i = 0; i < kShared; ++i) {
    shared.push_back(
        make_finding("rule.shared", random_secret("s"), Severity::kHigh,
                     {layer_location(0, "f" + std::to_string(i), FateKind::kPresent)}));
  }
  std::vector<Finding> reversed(shared.rbegin(), shared.rend());
  auto writer = [&](const std::string& repository, const std::vector<Finding>& findings,
                    std::string* error) {
    auto store = open_store(store_url());
    Status done = store ? Status{} : Status{fail(store.error())};
    for (int round = 0; done && round < 5; ++round) {
      auto sweep = (*store)->begin_sweep("registry.test:5000");
      auto image = (*store)->record_image(image_record(repository, "1", repository));
      done = sweep && image ? (*store)->record_image_findings(*image, *sweep, findings)
                            : Status{fail("no sweep or image")};
    }
    if (!done) *error = done.error().message;
  };
  std::string error_a, error_b;
  std::thread one(writer, "one", std::cref(shared), &error_a);
  std::thread two(writer, "two", std::cref(reversed), &error_b);
  one.join();
  two.join();
  EXPECT_EQ(error_a, "");
  EXPECT_EQ(error_b, "");
  EXPECT_EQ(count("findings"), kShared);
  EXPECT_EQ(count("image_findings"), 2 * kShared);
}

TEST_P(StoreScaleTest, StoresOpeningANewFileAtOnceAgreeOnItsSchemaAndKey) {
  constexpr int kOpeners = 4;
  std::vector<std::unique_ptr<Store>> stores(kOpeners);
  std::vector<std::string> errors(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto store = open_store(store_url());
      if (store) {
        stores[i] = std::move(*store);
      } else {
        errors[i] = store.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string secret = random_secret("s");
  for (int i = 0; i < kOpeners; ++i) {
    ASSERT_TRUE(stores[i]) << errors[i];
    EXPECT_EQ(stores[i]->schema_version(), stores[0]->schema_version());
    EXPECT_EQ(stores[i]->secret_key_hash(secret), stores[0]->secret_key_hash(secret));
  }
  EXPECT_EQ(count("schema_version"), stores[0]->schema_version());  // each migration once
  EXPECT_EQ(count("store_meta"), 1);
}

TEST_P(StoreScaleTest, TwoProcessesWriteOneFile) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the other process: its own store, no gtest assertions
    auto store = open_store(store_url());
    bool ok = store && write_images(**store, "child");
    if (!ok) std::cerr << (store ? "write failed" : store.error().message) << "\n";
    _exit(ok ? 0 : 1);
  }
  auto store = open();
  ASSERT_TRUE(store);
  Status mine = write_images(*store, "parent");
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(count("images"), 2 * kImagesEach);
  QueryFilter theirs;
  theirs.repository = "child";
  EXPECT_EQ(store->query(theirs).value().size(), static_cast<size_t>(kImagesEach));
}

// 200,000 locations (50,000 findings in 4 layers each; PostgreSQL, a round trip per row:
// 20,000) in one transaction; queries by fingerprint and by secret hash answer exactly their
// finding's rows. The times printed are for people (the report), not asserted; a million
// findings on both engines: bench/store_query.cpp.
TEST_P(StoreScaleTest, ManyLocationsInOneTransaction) {
  auto store = open();
  ASSERT_TRUE(store);
  const int kFindings = is_sqlite() ? 50000 : 5000;
  constexpr int kLayers = 4;
  int64_t sweep = store->begin_sweep("registry.test:5000").value();
  int64_t image = store->record_image(image_record("team/big", "1", "big", kLayers)).value();
  std::string prefix = random_secret("k");
  std::vector<Finding> findings;
  findings.reserve(kFindings);
  for (int i = 0; i < kFindings; ++i) {
    std::vector<Location> locations;
    for (int layer = 0; layer < kLayers; ++layer) {
      locations.push_back(layer_location(layer, "f" + std::to_string(i), FateKind::kPresent));
    }
    findings.push_back(make_finding("rule." + std::to_string(i % 50),
                                    prefix + "-" + std::to_string(i), Severity::kHigh,
                                    std::move(locations)));
  }
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->record_image_findings(image, sweep, findings));
  auto recorded = std::chrono::steady_clock::now();
  EXPECT_EQ(count("image_findings"), kFindings * kLayers);

  const Finding& wanted = findings[kFindings / 2 + 7];
  QueryFilter by_fingerprint;
  by_fingerprint.fingerprint = wanted.fingerprint;
  auto t0 = std::chrono::steady_clock::now();
  auto rows = store->query(by_fingerprint);
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), static_cast<size_t>(kLayers));
  for (const auto& r : *rows) {
    EXPECT_EQ(r.fingerprint, wanted.fingerprint);
    EXPECT_EQ(r.path, wanted.locations[0].path);
  }
  QueryFilter by_secret;
  by_secret.secret_hash = store->secret_key_hash(wanted.secret.reveal());
  auto t2 = std::chrono::steady_clock::now();
  auto by_hash = store->query(by_secret);
  auto t3 = std::chrono::steady_clock::now();
  ASSERT_TRUE(by_hash);
  ASSERT_EQ(by_hash->size(), static_cast<size_t>(kLayers));
  EXPECT_EQ(by_hash->front().fingerprint, wanted.fingerprint);

  using ms = std::chrono::duration<double, std::milli>;
  std::cout << "record " << kFindings * kLayers << " locations: " << ms(recorded - started).count()
            << " ms; query by fingerprint: " << ms(t1 - t0).count()
            << " ms; by secret hash: " << ms(t3 - t2).count() << " ms\n";
}

}  // namespace
}  // namespace strata::test
