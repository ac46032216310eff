#include <gtest/gtest.h>

#include <map>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using StoreScansTest = EngineStoreTest;
STRATA_STORE_ENGINES(StoreScansTest);

BlobFinding blob_finding(const std::string& rule_id, const std::string& secret,
                         const std::string& path) {
  SecretValue value(secret);
  return BlobFinding{rule_id,          "name", finding_fingerprint(rule_id, value),
                     Severity::kHigh,  path,   12,
                     value.redacted(), value};
}

LayerScanRecord scan_record(const std::string& digest, const std::string& payload) {
  return LayerScanRecord{digest, "rules-hash-1", "strata 0.1.0", 0, payload};
}

TEST_P(StoreScansTest, AnUnscannedLayerIsNotFound) {
  auto store = open();
  ASSERT_TRUE(store);
  auto found = store->find_layer_scan(fake_digest("l1"), "rules-hash-1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TEST_P(StoreScansTest, ALayerScanRoundTripsWithPayloadBytesIncludingNuls) {
  auto store = open();
  ASSERT_TRUE(store);
  std::string payload("match\0\x01\xff path-hashes\0", 20);
  for (int i = 0; i < 256; ++i) payload += static_cast<char>(i);
  ASSERT_TRUE(store->put_layer_scan(scan_record(fake_digest("l1"), payload),
                                    {blob_finding("aws.key", random_secret("AKIA"), "app/.env")}));
  auto found = store->find_layer_scan(fake_digest("l1"), "rules-hash-1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->payload, payload);
  EXPECT_EQ((*found)->payload.size(), 276u);
  EXPECT_EQ((*found)->scanner_version, "strata 0.1.0");
  EXPECT_GT((*found)->scanned_at, 0);
  EXPECT_EQ(count("findings"), 1);
  EXPECT_EQ(count("blob_findings"), 1);
}

TEST_P(StoreScansTest, AnEmptyPayloadIsKept) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put_layer_scan(scan_record(fake_digest("l1"), ""), {}));
  auto found = store->find_layer_scan(fake_digest("l1"), "rules-hash-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->payload, "");
}

TEST_P(StoreScansTest, AnotherRuleSetHashIsAnotherScan) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->put_layer_scan(scan_record(fake_digest("l1"), "x"), {}));
  auto other = store->find_layer_scan(fake_digest("l1"), "rules-hash-2");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
}

TEST_P(StoreScansTest, LayerAndConfigScansOfOneDigestAreApart) {
  auto store = open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(
      store->put_config_scan(scan_record(fake_digest("c1"), "config payload"),
                             {blob_finding("npm.token", random_secret("npm_"), "config.Env[1]")}));
  auto as_layer = store->find_layer_scan(fake_digest("c1"), "rules-hash-1");
  ASSERT_TRUE(as_layer);
  EXPECT_FALSE(*as_layer);
  auto as_config = store->find_config_scan(fake_digest("c1"), "rules-hash-1");
  ASSERT_TRUE(as_config && *as_config);
  EXPECT_EQ((*as_config)->payload, "config payload");
}

TEST_P(StoreScansTest, PuttingAScanAgainReplacesItsFindings) {
  auto store = open();
  ASSERT_TRUE(store);
  auto scan = scan_record(fake_digest("l1"), "first");
  std::string secret = random_secret("tok_");
  ASSERT_TRUE(store->put_layer_scan(
      scan, {blob_finding("r.a", secret, "a"), blob_finding("r.a", secret, "b")}));
  scan.payload = "second";
  ASSERT_TRUE(store->put_layer_scan(scan, {blob_finding("r.a", secret, "a")}));
  EXPECT_EQ(count("blob_scans"), 1);
  EXPECT_EQ(count("blob_findings"), 1);
  EXPECT_EQ(store->find_layer_scan(scan.digest, scan.rules_hash).value()->payload, "second");
}

// Locations of one finding given apart from each other still share its one findings row.
TEST_P(StoreScansTest, EachLocationPointsAtItsOwnFindingsRow) {
  auto store = open();
  ASSERT_TRUE(store);
  std::string first = random_secret("tok_"), second = random_secret("tok_");
  ASSERT_TRUE(
      store->put_layer_scan(scan_record(fake_digest("l1"), "payload"),
                            {blob_finding("r.a", first, "a"), blob_finding("r.a", second, "b"),
                             blob_finding("r.a", first, "c"), blob_finding("r.b", first, "d")}));
  EXPECT_EQ(count("findings"), 3);
  EXPECT_EQ(count("blob_findings"), 4);
  SqlSession sql = raw_session();
  std::map<std::string, std::string> fingerprint_at;
  ASSERT_TRUE(sql.run(
      "SELECT b.path, f.fingerprint FROM blob_findings b JOIN findings f ON f.id = b.finding_id",
      {},
      [&](const SqlStatement& row) { fingerprint_at[row.column_text(0)] = row.column_text(1); }));
  EXPECT_EQ(fingerprint_at["a"], finding_fingerprint("r.a", SecretValue(first)));
  EXPECT_EQ(fingerprint_at["b"], finding_fingerprint("r.a", SecretValue(second)));
  EXPECT_EQ(fingerprint_at["c"], finding_fingerprint("r.a", SecretValue(first)));
  EXPECT_EQ(fingerprint_at["d"], finding_fingerprint("r.b", SecretValue(first)));
}

TEST_P(StoreScansTest, AFailingPutLeavesNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  BlobFinding broken = blob_finding("r.b", random_secret("tok_"), "b");
  broken.fingerprint.clear();  // the schema refuses a finding without fingerprint
  auto put = store->put_layer_scan(scan_record(fake_digest("l1"), "payload"),
                                   {blob_finding("r.a", random_secret("tok_"), "a"), broken});
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find(fake_digest("l1")), std::string::npos) << put.error().message;
  auto found = store->find_layer_scan(fake_digest("l1"), "rules-hash-1");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_EQ(count("blob_scans"), 0);
  EXPECT_EQ(count("findings"), 0);
  EXPECT_EQ(count("blob_findings"), 0);
  // The store still works after the rollback.
  EXPECT_TRUE(store->put_layer_scan(scan_record(fake_digest("l1"), "payload"), {}));
}

}  // namespace
}  // namespace strata::test
