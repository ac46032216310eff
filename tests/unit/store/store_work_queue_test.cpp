// The shared work queue of a sweep, on both engines: claims never overlap, leases expire and
// are taken over, finished items stay finished, adding is idempotent; and joining the running
// sweep.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using namespace std::chrono_literals;

class StoreWorkQueueTest : public EngineStoreTest {
 protected:
  void SetUp() override {
    EngineStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open();
    ASSERT_TRUE(store_);
    sweep_ = store_->begin_sweep("registry.test:5000").value();
  }

  // `n` layers keyed l0000…, each with its index as payload (and a NUL, to keep it bytes).
  static std::vector<WorkItem> layers(int n) {
    std::vector<WorkItem> items;
    for (int i = 0; i < n; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "l%04d", i);
      items.push_back(WorkItem{"layer", key, std::to_string(i) + std::string(1, '\0')});
    }
    return items;
  }

  static std::vector<std::string> keys(const std::vector<WorkItem>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.key);
    return out;
  }

  std::vector<WorkItem> claim(Store& store, const std::string& worker, std::chrono::seconds lease,
                              size_t max) {
    auto claimed = store.claim_work(sweep_, "layer", worker, lease, max);
    EXPECT_TRUE(claimed) << (claimed ? "" : claimed.error().message);
    return claimed ? *claimed : std::vector<WorkItem>{};
  }

  WorkCounts counts() {
    return store_->work_counts(sweep_, "layer").value_or(WorkCounts{-1, -1, -1});
  }

  std::unique_ptr<Store> store_;
  int64_t sweep_ = 0;
};
STRATA_STORE_ENGINES(StoreWorkQueueTest);

TEST_P(StoreWorkQueueTest, ClaimsHandOutItemsWithTheirPayloads) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(5)));
  auto first = claim(*store_, "w1", 60s, 3);
  ASSERT_EQ(keys(first), (std::vector<std::string>{"l0000", "l0001", "l0002"}));
  EXPECT_EQ(first[1].payload, std::string("1") + '\0');
  EXPECT_EQ(first[1].kind, "layer");
  EXPECT_EQ(keys(claim(*store_, "w2", 60s, 10)), (std::vector<std::string>{"l0003", "l0004"}));
  EXPECT_TRUE(claim(*store_, "w3", 60s, 10).empty());
  WorkCounts c = counts();
  EXPECT_EQ(c.pending, 0);
  EXPECT_EQ(c.claimed, 5);
  EXPECT_EQ(c.done, 0);
}

TEST_P(StoreWorkQueueTest, AddingWorkAgainChangesNothing) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(3)));
  ASSERT_EQ(claim(*store_, "w1", 60s, 1).size(), 1u);
  ASSERT_TRUE(store_->finish_work(sweep_, "layer", "l0000", "w1"));
  auto again = layers(4);
  again[0].payload = "changed";
  ASSERT_TRUE(store_->add_work(sweep_, again));  // l0000 done, l0001 and l0002 pending: kept
  WorkCounts c = counts();
  EXPECT_EQ(c.done, 1);
  EXPECT_EQ(c.pending, 3);
  EXPECT_EQ(count("work_items"), 4);
  EXPECT_EQ(keys(claim(*store_, "w1", 60s, 10)),
            (std::vector<std::string>{"l0001", "l0002", "l0003"}));
}

TEST_P(StoreWorkQueueTest, KindsAndSweepsAreSeparateQueues) {
  ASSERT_TRUE(store_->add_work(sweep_, {WorkItem{"config", "c1", "x"}}));
  int64_t other = store_->begin_sweep("registry.test:5000").value();
  ASSERT_TRUE(store_->add_work(other, layers(2)));
  EXPECT_TRUE(claim(*store_, "w1", 60s, 10).empty());
  auto configs = store_->claim_work(sweep_, "config", "w1", 60s, 10);
  ASSERT_TRUE(configs);
  EXPECT_EQ(keys(*configs), std::vector<std::string>{"c1"});
  EXPECT_EQ(store_->work_counts(other, "layer").value().pending, 2);
}

// Two Stores (two connections, as two processes) claim from two threads at once; every item
// goes to exactly one of them.
TEST_P(StoreWorkQueueTest, ConcurrentClaimsNeverOverlap) {
  constexpr int kItems = 300;
  ASSERT_TRUE(store_->add_work(sweep_, layers(kItems)));
  auto worker = [&](const std::string& name, std::vector<std::string>* got, std::string* error) {
    auto store = open_store(store_url());
    if (!store) {
      *error = store.error().message;
      return;
    }
    while (true) {
      auto claimed = (*store)->claim_work(sweep_, "layer", name, 60s, 7);
      if (!claimed) {
        *error = claimed.error().message;
        return;
      }
      if (claimed->empty()) return;
      for (const auto& item : *claimed) {
        got->push_back(item.key);
        if (auto done = (*store)->finish_work(sweep_, "layer", item.key, name); !done) {
          *error = done.error().message;
          return;
        }
      }
    }
  };
  std::vector<std::string> a, b;
  std::string error_a, error_b;
  std::thread one(worker, "a", &a, &error_a);
  std::thread two(worker, "b", &b, &error_b);
  one.join();
  two.join();
  ASSERT_EQ(error_a, "");
  ASSERT_EQ(error_b, "");
  std::set<std::string> all(a.begin(), a.end());
  for (const auto& key : b) EXPECT_TRUE(all.insert(key).second) << key << " claimed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kItems));
  EXPECT_EQ(a.size() + b.size(), static_cast<size_t>(kItems));
  EXPECT_EQ(counts().done, kItems);
  std::cout << "worker a took " << a.size() << ", worker b " << b.size() << "\n";
}

TEST_P(StoreWorkQueueTest, AnExpiredLeaseIsTakenOverByAnotherWorker) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(2)));
  ASSERT_EQ(claim(*store_, "dead", 1s, 10).size(), 2u);  // then it dies
  auto other = open();
  ASSERT_TRUE(other);
  EXPECT_TRUE(claim(*other, "alive", 60s, 10).empty());  // the lease still runs
  std::this_thread::sleep_for(1300ms);
  EXPECT_EQ(counts().pending, 2);  // expired claims count as pending
  EXPECT_EQ(keys(claim(*other, "alive", 60s, 10)), (std::vector<std::string>{"l0000", "l0001"}));
  // The dead worker coming back cannot renew what is no longer its claim.
  ASSERT_TRUE(store_->renew_claims(sweep_, "dead", 60s));
  EXPECT_TRUE(claim(*store_, "third", 60s, 10).empty());
  EXPECT_EQ(counts().claimed, 2);
}

// A real death: another process claims, then is killed with SIGKILL; its claims come back
// when their lease ends, not before.
TEST_P(StoreWorkQueueTest, AKilledWorkersClaimsComeBackWhenTheLeaseEnds) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(3)));
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // the worker that dies: no gtest assertions here
    auto store = open_store(store_url());
    bool ok = store && (*store)->claim_work(sweep_, "layer", "doomed", 2s, 2).has_value();
    char byte = ok ? '1' : '0';
    (void)!write(ready[1], &byte, 1);
    pause();  // holds its connection until killed
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_EQ(byte, '1') << "the child could not claim";
  EXPECT_EQ(keys(claim(*store_, "survivor", 60s, 10)), std::vector<std::string>{"l0002"});
  EXPECT_EQ(counts().claimed, 3);
  std::this_thread::sleep_for(2300ms);
  EXPECT_EQ(keys(claim(*store_, "survivor", 60s, 10)),
            (std::vector<std::string>{"l0000", "l0001"}));
}

TEST_P(StoreWorkQueueTest, RenewingAClaimKeepsIt) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(1)));
  ASSERT_EQ(claim(*store_, "slow", 1s, 1).size(), 1u);
  ASSERT_TRUE(store_->renew_claims(sweep_, "slow", 30s));
  std::this_thread::sleep_for(1300ms);
  EXPECT_TRUE(claim(*store_, "other", 60s, 1).empty());
  EXPECT_EQ(counts().claimed, 1);
}

TEST_P(StoreWorkQueueTest, AFinishedItemIsNeverHandedOutAgain) {
  ASSERT_TRUE(store_->add_work(sweep_, layers(2)));
  ASSERT_EQ(claim(*store_, "w1", 1s, 10).size(), 2u);
  ASSERT_TRUE(store_->finish_work(sweep_, "layer", "l0001", "w1"));
  std::this_thread::sleep_for(1300ms);  // past the lease: only the unfinished one comes back
  EXPECT_EQ(keys(claim(*store_, "w2", 60s, 10)), std::vector<std::string>{"l0000"});
  ASSERT_TRUE(store_->finish_work(sweep_, "layer", "l0000", "w2"));
  EXPECT_TRUE(claim(*store_, "w3", 60s, 10).empty());
  WorkCounts c = counts();
  EXPECT_EQ(c.done, 2);
  EXPECT_EQ(c.pending + c.claimed, 0);
}

TEST_P(StoreWorkQueueTest, FinishingAnUnknownItemIsAnError) {
  auto done = store_->finish_work(sweep_, "layer", "nope", "w1");
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().message.find("no such item"), std::string::npos) << done.error().message;
}

TEST_P(StoreWorkQueueTest, OpenSweepIsTheRunningOneUntilItEnds) {
  EXPECT_EQ(store_->open_sweep("registry.test:5000").value(), sweep_);
  EXPECT_EQ(store_->open_sweep("other.test").value(), std::nullopt);
  ASSERT_TRUE(store_->end_sweep(sweep_, {}));
  EXPECT_EQ(store_->open_sweep("registry.test:5000").value(), std::nullopt);
  int64_t next = store_->join_or_begin_sweep("registry.test:5000").value();
  EXPECT_NE(next, sweep_);
  EXPECT_EQ(store_->join_or_begin_sweep("registry.test:5000").value(), next);
}

TEST_P(StoreWorkQueueTest, ProcessesStartingAtOnceJoinOneSweep) {
  constexpr int kWorkers = 4;
  std::vector<int64_t> ids(kWorkers, 0);
  std::vector<std::string> errors(kWorkers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      auto store = open_store(store_url());
      auto id = store ? (*store)->join_or_begin_sweep("fresh.test") : fail(store.error());
      if (id) {
        ids[i] = *id;
      } else {
        errors[i] = id.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kWorkers; ++i) {
    ASSERT_EQ(errors[i], "");
    EXPECT_EQ(ids[i], ids[0]);
  }
  auto sweeps = store_->sweeps().value();
  EXPECT_EQ(std::count_if(sweeps.begin(), sweeps.end(),
                          [](const SweepRecord& s) { return s.registry == "fresh.test"; }),
            1);
}

}  // namespace
}  // namespace strata::test
