#include <gtest/gtest.h>

#include <filesystem>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

using StoreFindingsTest = EngineStoreTest;
STRATA_STORE_ENGINES(StoreFindingsTest);
// What SQLite keeps in its files.
using StoreFindingsFileTest = StoreTest;

// Every byte of the store's files (the database and its write-ahead log).
std::string store_bytes(const std::string& dir) {
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with("store.db")) {
      bytes += read_file(entry.path().string());
    }
  }
  return bytes;
}

Finding full_finding(const std::string& secret) {
  Location layer = layer_location(2, "app/a.jar!/b.properties", FateKind::kHiddenByOpaque);
  layer.history_last = 3;
  layer.origin = LayerOrigin::kOwnBuild;
  layer.dockerfile_line = 9;
  layer.fingerprint = "location-fingerprint-1";
  Location config = config_location("history[4].created_by", "NPM_TOKEN");
  config.step_mounts_secret = true;
  Finding f = make_finding("npm.token", secret, Severity::kMedium, {layer, config});
  f.confidence = Confidence::kHigh;
  f.checksum = ValidationState::kValid;
  f.suppression = Suppression{"known-public", "a documented example"};
  return f;
}

void expect_same_location(const Location& got, const Location& want) {
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.layer_index, want.layer_index);
  EXPECT_EQ(got.layer_digest, want.layer_digest);
  EXPECT_EQ(got.path, want.path);
  EXPECT_EQ(got.offset, want.offset);
  EXPECT_EQ(got.line, want.line);
  EXPECT_EQ(got.column, want.column);
  EXPECT_EQ(got.history_step, want.history_step);
  EXPECT_EQ(got.history_last, want.history_last);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.config_location, want.config_location);
  EXPECT_EQ(got.build_arg, want.build_arg);
  EXPECT_EQ(got.step_mounts_secret, want.step_mounts_secret);
  EXPECT_EQ(got.fate.kind, want.fate.kind);
  EXPECT_EQ(got.fate.changed_in, want.fate.changed_in);
  EXPECT_EQ(got.dockerfile_line, want.dockerfile_line);
  EXPECT_EQ(got.origin, want.origin);
  EXPECT_EQ(got.fingerprint, want.fingerprint);
}

TEST_P(StoreFindingsTest, AnImagesFindingsComeBackAsRecorded) {
  auto store = open();
  ASSERT_TRUE(store);
  int64_t sweep = store->begin_sweep("registry.test:5000").value();
  int64_t image = store->record_image(image_record("team/app", "1.4", "m1", 4)).value();
  Finding want = full_finding(random_secret("npm_"));
  Finding other = make_finding("aws.access-key", random_secret("AKIA"), Severity::kCritical,
                               {layer_location(0, "root/.aws/credentials", FateKind::kPresent)});
  ASSERT_TRUE(store->record_image_findings(image, sweep, {other, want}));

  auto stored = store->image_findings("registry.test:5000/team/app:1.4");
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 1u);
  const StoredImageFindings& got = stored->front();
  EXPECT_EQ(got.image.id, image);
  EXPECT_EQ(got.image.reference, "registry.test:5000/team/app:1.4");
  EXPECT_EQ(got.image.image.config_digest, fake_digest("config-m1"));
  EXPECT_EQ(got.image.image.layer_digests.size(), 4u);
  ASSERT_EQ(got.findings.size(), 2u);
  EXPECT_EQ(got.findings[0].finding.rule_id, "aws.access-key");  // critical first
  const StoredFinding& f = got.findings[1];
  EXPECT_EQ(f.finding.rule_id, want.rule_id);
  EXPECT_EQ(f.finding.rule_name, want.rule_name);
  EXPECT_EQ(f.finding.fingerprint, want.fingerprint);
  EXPECT_EQ(f.finding.severity, want.severity);
  EXPECT_EQ(f.finding.confidence, want.confidence);
  EXPECT_EQ(f.finding.checksum, want.checksum);
  ASSERT_TRUE(f.finding.suppression);
  EXPECT_EQ(f.finding.suppression->kind, "known-public");
  EXPECT_EQ(f.preview, want.secret.redacted());
  EXPECT_EQ(f.secret_hash, store->secret_key_hash(want.secret.reveal()));
  EXPECT_EQ(f.finding.secret.size(), 0u);  // not kept without store_secrets
  ASSERT_EQ(f.finding.locations.size(), 2u);
  // Layer files before config locations.
  expect_same_location(f.finding.locations[0], want.locations[0]);
  expect_same_location(f.finding.locations[1], want.locations[1]);
  EXPECT_EQ(f.finding.locations[0].image, "registry.test:5000/team/app:1.4");
  EXPECT_EQ(f.finding.locations[0].platform, "linux/amd64");
}

TEST_P(StoreFindingsTest, ImagesAreNamedByDigestToo) {
  auto store = open();
  ASSERT_TRUE(store);
  auto [amd, arm] = two_platforms("team/app", "");
  ASSERT_TRUE(store->record_image(amd) && store->record_image(arm));
  auto by_digest = store->image_findings(fake_digest("index"));
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  ASSERT_EQ(by_digest->size(), 2u);  // one per platform
  EXPECT_EQ(by_digest->at(0).image.image.platform, "linux/amd64");
  EXPECT_EQ(by_digest->at(1).image.image.platform, "linux/arm64");
  EXPECT_EQ(by_digest->at(0).image.reference,
            "registry.test:5000/team/app@" + fake_digest("index"));
  EXPECT_TRUE(by_digest->at(0).findings.empty());
}

TEST_P(StoreFindingsTest, AnUnknownImageIsAnError) {
  auto store = open();
  ASSERT_TRUE(store);
  auto missing = store->image_findings("registry.test:5000/team/none:1");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("team/none:1"), std::string::npos);
}

TEST_P(StoreFindingsTest, TheSameSecretHasTheSameKeyedHash) {
  auto store = open();
  ASSERT_TRUE(store);
  std::string secret = random_secret("tok_");
  std::string hash = store->secret_key_hash(secret);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(store->secret_key_hash(std::string(secret)), hash);
  EXPECT_NE(store->secret_key_hash(secret + "1"), hash);
  EXPECT_EQ(hash.find(secret), std::string::npos);
}

void record_secret_everywhere(Store& store, const std::string& secret) {
  int64_t sweep = store.begin_sweep("registry.test:5000").value();
  int64_t image = store.record_image(image_record("team/app", "1", "m1")).value();
  ASSERT_TRUE(store.record_image_findings(image, sweep, {full_finding(secret)}));
  SecretValue value(secret);
  ASSERT_TRUE(store.put_layer_scan(
      LayerScanRecord{fake_digest("layer-2"), "rules", "v", 0, "payload"},
      {BlobFinding{"npm.token", "npm token", finding_fingerprint("npm.token", value),
                   Severity::kHigh, "app/.npmrc", 1, value.redacted(), value}}));
}

TEST_F(StoreFindingsFileTest, RawSecretsAreNotInTheFilesUnlessAsked) {
  std::string secret = random_secret("npm_");
  {
    auto store = open();
    ASSERT_TRUE(store);
    record_secret_everywhere(*store, secret);
    EXPECT_EQ(store_bytes(dir_.path()).find(secret), std::string::npos);  // WAL included
  }
  EXPECT_EQ(store_bytes(dir_.path()).find(secret), std::string::npos);
  // The preview and the keyed hash are what is kept.
  EXPECT_NE(store_bytes(dir_.path()).find(SecretValue(secret).redacted()), std::string::npos);
}

TEST_F(StoreFindingsFileTest, RawSecretsAreKeptWhenAsked) {
  std::string secret = random_secret("npm_");
  auto store = open(StoreOptions{.store_secrets = true});
  ASSERT_TRUE(store);
  record_secret_everywhere(*store, secret);
  EXPECT_NE(store_bytes(dir_.path()).find(secret), std::string::npos);
  auto stored = store->image_findings("registry.test:5000/team/app:1");
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->at(0).findings.size(), 1u);
  EXPECT_EQ(stored->at(0).findings[0].finding.secret.reveal(), secret);
}

// What a PostgreSQL store holds, as pg_dump writes all of it out.
class StoreFindingsDumpTest : public EngineStoreTest {};
INSTANTIATE_TEST_SUITE_P(Engines, StoreFindingsDumpTest,
                         ::testing::Values(StoreEngine::kPostgresql), engine_name);

TEST_P(StoreFindingsDumpTest, RawSecretsAreNotInTheDatabaseUnlessAsked) {
  std::string secret = random_secret("npm_");
  auto store = open();
  ASSERT_TRUE(store);
  record_secret_everywhere(*store, secret);
  auto dump = server()->dump(database_);
  ASSERT_TRUE(dump);
  EXPECT_EQ(dump->find(secret), std::string::npos);
  EXPECT_NE(dump->find(SecretValue(secret).redacted()), std::string::npos);
}

TEST_P(StoreFindingsDumpTest, RawSecretsAreKeptWhenAsked) {
  std::string secret = random_secret("npm_");
  auto store = open(StoreOptions{.store_secrets = true});
  ASSERT_TRUE(store);
  record_secret_everywhere(*store, secret);
  auto dump = server()->dump(database_);
  ASSERT_TRUE(dump);
  EXPECT_NE(dump->find(secret), std::string::npos);
}

TEST_P(StoreFindingsTest, AFailingRecordLeavesNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  int64_t sweep = store->begin_sweep("r").value();
  int64_t image = store->record_image(image_record("team/app", "1", "m1")).value();
  Finding good = full_finding(random_secret("npm_"));
  Finding broken = make_finding("", random_secret("x"), Severity::kLow,
                                {layer_location(0, "a", FateKind::kPresent)});
  ASSERT_FALSE(store->record_image_findings(image, sweep, {good, broken}));
  EXPECT_EQ(count("findings"), 0);
  EXPECT_EQ(count("image_findings"), 0);
}

TEST_P(StoreFindingsTest, FindingsOfAnUnknownImageAreRefused) {
  auto store = open();
  ASSERT_TRUE(store);
  int64_t sweep = store->begin_sweep("r").value();
  auto recorded = store->record_image_findings(12345, sweep, {full_finding(random_secret("n"))});
  ASSERT_FALSE(recorded);  // foreign keys are on
  EXPECT_NE(recorded.error().message.find("12345"), std::string::npos) << recorded.error().message;
  EXPECT_EQ(count("image_findings"), 0);
}

}  // namespace
}  // namespace strata::test
