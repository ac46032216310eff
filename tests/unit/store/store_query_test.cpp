#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store_fixture.hpp"

namespace strata::test {
namespace {

// Three images, three findings, two sweeps:
//   app:1.4 (m1)  aws key (critical) in layer 0 app/.env, present; npm token (high) in config
//   db:1    (m3)  the same aws key in layer 1 etc/key, deleted
//   app:1.5 (m2)  a password (low) in layer 1 opt/x, overwritten — first seen by sweep 2
class StoreQueryTest : public EngineStoreTest {
 protected:
  void SetUp() override {
    EngineStoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = open();
    ASSERT_TRUE(store_);
    aws_secret_ = random_secret("AKIA");
    aws_ = make_finding("aws.access-key", aws_secret_, Severity::kCritical,
                        {layer_location(0, "app/.env", FateKind::kPresent)});
    npm_ = make_finding("npm.token", random_secret("npm_"), Severity::kHigh,
                        {config_location("config.Env[1]", "NPM_TOKEN")});
    password_ = make_finding("generic.password", random_secret("pw"), Severity::kLow,
                             {layer_location(1, "opt/x", FateKind::kOverwritten)});
    aws_in_db_ = aws_;
    aws_in_db_.locations = {layer_location(1, "etc/key", FateKind::kDeleted)};

    sweep1_ = store_->begin_sweep("registry.test:5000").value();
    app14_ = store_->record_image(image_record("team/app", "1.4", "m1")).value();
    db1_ = store_->record_image(image_record("team/db", "1", "m3")).value();
    ASSERT_TRUE(store_->record_image_findings(app14_, sweep1_, {aws_, npm_}));
    ASSERT_TRUE(store_->record_image_findings(db1_, sweep1_, {aws_in_db_}));

    sweep2_ = store_->begin_sweep("registry.test:5000").value();
    ASSERT_TRUE(store_->record_image_findings(app14_, sweep2_, {aws_, npm_}));
    ASSERT_TRUE(store_->record_image_findings(db1_, sweep2_, {aws_in_db_}));
    app15_ = store_->record_image(image_record("team/app", "1.5", "m2")).value();
    ASSERT_TRUE(store_->record_image_findings(app15_, sweep2_, {password_}));
  }

  std::vector<QueryRow> query(const QueryFilter& filter) {
    auto rows = store_->query(filter);
    EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
    return rows ? *rows : std::vector<QueryRow>{};
  }

  // "repository:tag path-or-config-location" of each row, sorted.
  static std::vector<std::string> places(const std::vector<QueryRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) {
      out.push_back(r.repository + ":" + r.tag + " " +
                    (r.path.empty() ? r.config_location : r.path));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<Store> store_;
  std::string aws_secret_;
  Finding aws_, aws_in_db_, npm_, password_;
  int64_t sweep1_ = 0, sweep2_ = 0, app14_ = 0, db1_ = 0, app15_ = 0;
};

STRATA_STORE_ENGINES(StoreQueryTest);

using Places = std::vector<std::string>;

TEST_P(StoreQueryTest, NoFilterAnswersEveryLocation) {
  EXPECT_EQ(places(query({})), (Places{"team/app:1.4 app/.env", "team/app:1.4 config.Env[1]",
                                       "team/app:1.5 opt/x", "team/db:1 etc/key"}));
}

TEST_P(StoreQueryTest, BySecretThroughItsKeyedHash) {
  QueryFilter filter;
  filter.secret_hash = store_->secret_key_hash(aws_secret_);
  auto rows = query(filter);
  EXPECT_EQ(places(rows), (Places{"team/app:1.4 app/.env", "team/db:1 etc/key"}));
  filter.secret_hash = store_->secret_key_hash(aws_secret_ + "x");
  EXPECT_TRUE(query(filter).empty());
}

TEST_P(StoreQueryTest, ByFingerprintOrItsPrefix) {
  QueryFilter filter;
  filter.fingerprint = aws_.fingerprint;
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 app/.env", "team/db:1 etc/key"}));
  filter.fingerprint = aws_.fingerprint.substr(0, 12);
  auto rows = query(filter);
  EXPECT_EQ(places(rows), (Places{"team/app:1.4 app/.env", "team/db:1 etc/key"}));
  for (const auto& r : rows) EXPECT_EQ(r.fingerprint, aws_.fingerprint);
}

TEST_P(StoreQueryTest, ByRuleGlobs) {
  QueryFilter filter;
  filter.rules = {"aws.*"};
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 app/.env", "team/db:1 etc/key"}));
  filter.rules = {"npm.?oken", "generic.*"};
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 config.Env[1]", "team/app:1.5 opt/x"}));
  filter.rules = {"aws"};  // a glob matches whole ids
  EXPECT_TRUE(query(filter).empty());
}

TEST_P(StoreQueryTest, ByMinimumSeverity) {
  QueryFilter filter;
  filter.min_severity = Severity::kHigh;
  EXPECT_EQ(places(query(filter)),
            (Places{"team/app:1.4 app/.env", "team/app:1.4 config.Env[1]", "team/db:1 etc/key"}));
  filter.min_severity = Severity::kCritical;
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 app/.env", "team/db:1 etc/key"}));
}

TEST_P(StoreQueryTest, ByFate) {
  QueryFilter filter;
  filter.fate = FateKind::kDeleted;
  auto rows = query(filter);
  EXPECT_EQ(places(rows), (Places{"team/db:1 etc/key"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fate.changed_in, 2);
  filter.fate = FateKind::kNotInFilesystem;
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 config.Env[1]"}));
}

TEST_P(StoreQueryTest, ByRepositoryGlob) {
  QueryFilter filter;
  filter.repository = "team/d*";
  EXPECT_EQ(places(query(filter)), (Places{"team/db:1 etc/key"}));
  filter.repository = "team/app";
  EXPECT_EQ(query(filter).size(), 3u);
}

TEST_P(StoreQueryTest, ByImageReferenceDigestOrManifestDigest) {
  Places app14{"team/app:1.4 app/.env", "team/app:1.4 config.Env[1]"};
  QueryFilter filter;
  filter.image = "registry.test:5000/team/app:1.4";
  EXPECT_EQ(places(query(filter)), app14);
  filter.image = "registry.test:5000/team/app@" + fake_digest("m1");
  EXPECT_EQ(places(query(filter)), app14);
  filter.image = fake_digest("m1");
  EXPECT_EQ(places(query(filter)), app14);
  filter.image = "registry.test:5000/team/app:9.9";
  EXPECT_TRUE(query(filter).empty());
  filter.image = "no-registry";
  auto bad = store_->query(filter);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("no-registry"), std::string::npos) << bad.error().message;
}

TEST_P(StoreQueryTest, ByLayer) {
  QueryFilter filter;
  filter.layer = fake_digest("layer-1");
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.5 opt/x", "team/db:1 etc/key"}));
}

TEST_P(StoreQueryTest, NewSinceASweep) {
  QueryFilter filter;
  filter.new_since_sweep = sweep1_;
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.5 opt/x"}));
  filter.new_since_sweep = sweep2_;
  EXPECT_TRUE(query(filter).empty());
}

TEST_P(StoreQueryTest, FiltersCombine) {
  QueryFilter filter;
  filter.rules = {"aws.*"};
  filter.repository = "team/app";
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 app/.env"}));
}

TEST_P(StoreQueryTest, RowsSayWhereAndWhen) {
  QueryFilter filter;
  filter.image = "registry.test:5000/team/app:1.4";
  filter.rules = {"aws.*"};
  auto rows = query(filter);
  ASSERT_EQ(rows.size(), 1u);
  const QueryRow& r = rows[0];
  EXPECT_EQ(r.registry, "registry.test:5000");
  EXPECT_EQ(r.manifest_digest, fake_digest("m1"));
  EXPECT_EQ(r.platform, "linux/amd64");
  EXPECT_EQ(r.layer, fake_digest("layer-0"));
  EXPECT_EQ(r.line, 3u);
  EXPECT_EQ(r.fate.kind, FateKind::kPresent);
  EXPECT_EQ(r.history_step, 1);
  EXPECT_EQ(r.created_by, "COPY . /app");
  EXPECT_EQ(r.rule_id, "aws.access-key");
  EXPECT_EQ(r.severity, Severity::kCritical);
  EXPECT_EQ(r.preview, aws_.secret.redacted());
  EXPECT_EQ(r.first_seen_sweep, sweep1_);
  EXPECT_EQ(r.last_seen_sweep, sweep2_);
  EXPECT_GT(r.first_seen, 0);
  EXPECT_GE(r.last_seen, r.first_seen);
}

TEST_P(StoreQueryTest, RecordingTheSameFindingsAgainAddsNothing) {
  int64_t before = count("image_findings");
  auto rows_before = query({});
  ASSERT_TRUE(store_->record_image_findings(app14_, sweep2_, {aws_, npm_}));
  EXPECT_EQ(count("image_findings"), before);
  EXPECT_EQ(count("findings"), 3);
  auto rows_after = query({});
  ASSERT_EQ(rows_after.size(), rows_before.size());
  for (size_t i = 0; i < rows_after.size(); ++i) {
    EXPECT_EQ(rows_after[i].last_seen, rows_before[i].last_seen);
    EXPECT_EQ(rows_after[i].last_seen_sweep, rows_before[i].last_seen_sweep);
  }
}

TEST_P(StoreQueryTest, AManifestWithTwoTagsAnswersOnceForEach) {
  ASSERT_EQ(store_->record_image(image_record("team/app", "stable", "m1")).value(), app14_);
  QueryFilter filter;
  filter.rules = {"aws.*"};
  filter.repository = "team/app";
  EXPECT_EQ(places(query(filter)), (Places{"team/app:1.4 app/.env", "team/app:stable app/.env"}));
  filter.image = "registry.test:5000/team/app:stable";
  EXPECT_EQ(places(query(filter)), (Places{"team/app:stable app/.env"}));
}

TEST_P(StoreQueryTest, LikeWildcardsInAGlobMatchOnlyThemselves) {
  QueryFilter filter;
  filter.repository = "team_app";  // not "team/app"
  EXPECT_TRUE(query(filter).empty());
  filter.repository = "team?app";
  EXPECT_EQ(query(filter).size(), 3u);
}

TEST_P(StoreQueryTest, ARetaggedManifestAnswersWithItsNewTag) {
  ImageRecord retagged = image_record("team/app", "1.5", "m1");  // 1.5 now points at m1
  ASSERT_EQ(store_->record_image(retagged).value(), app14_);
  QueryFilter filter;
  filter.rules = {"generic.*"};
  auto rows = query(filter);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tag, "");  // m2 has no tag any more
  EXPECT_EQ(rows[0].manifest_digest, fake_digest("m2"));
}

}  // namespace
}  // namespace strata::test
