// Baselines, ignore files and the GitLab report on a real image (buildah-leaky, an OCI layout
// written by buildah): rescanning with the previous report as baseline finds nothing new; a
// secret planted in a new layer is new; an expired ignore entry stops suppressing and warns.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "strata/core/digest.hpp"
#include "support/real-images/real_scan.hpp"
#include "support/skip_or_fail.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_file;
using test::run_strata;
using test::write_file;
using test::real::describe;

constexpr const char* kImage = "buildah-leaky.oci-gzip";

json parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json() : j;
}

int counted(const json& report) {
  int n = 0;
  for (const json& f : report["findings"]) n += f["counts_toward_exit"].get<bool>() ? 1 : 0;
  return n;
}

std::string blob_path(const std::string& layout, const std::string& digest) {
  return layout + "/blobs/sha256/" + digest.substr(digest.find(':') + 1);
}

std::string put_blob(const std::string& layout, const std::string& bytes) {
  std::string digest = sha256_of(bytes).str();
  write_file(blob_path(layout, digest), bytes);
  return digest;
}

// Appends an uncompressed layer with one file to the layout's only image, as a rebuild with
// one more COPY would.
void add_layer(const std::string& layout, const std::string& path, const std::string& content) {
  json index = parse(read_file(layout + "/index.json"));
  json& entry = index["manifests"][0];
  json manifest = parse(read_file(blob_path(layout, entry["digest"])));
  json config = parse(read_file(blob_path(layout, manifest["config"]["digest"])));

  std::string tar = test::TarWriter().add_file(path, content).finish();
  std::string layer = put_blob(layout, tar);
  config["rootfs"]["diff_ids"].push_back(layer);
  config["history"].push_back({{"created_by", "/bin/sh -c #(nop) COPY file:planted in /" + path}});
  std::string config_text = config.dump();
  manifest["config"]["digest"] = put_blob(layout, config_text);
  manifest["config"]["size"] = config_text.size();
  manifest["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                {"digest", layer},
                                {"size", tar.size()}});
  std::string manifest_text = manifest.dump();
  entry["digest"] = put_blob(layout, manifest_text);
  entry["size"] = manifest_text.size();
  write_file(layout + "/index.json", index.dump());
}

// A Stripe-style live key the rules find, made up here (never a literal in the source).
std::string planted_secret() {
  std::string s = std::string("sk_") + "live_";
  const char* alphabet = "Zq8XwR3vN7pLk2Jh5TfG9cBm";
  for (int i = 0; i < 24; ++i) s += alphabet[(i * 7 + 3) % 24];
  return s;
}

class BaselineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = test::real_fixture(kImage);
    if (image_.empty())
      STRATA_SKIP_OR_FAIL() << "fixture " << kImage << " missing: buildah not available";
    baseline_ = dir_.path() + "/baseline.json";
    auto first = run_strata({"scan", "oci:" + image_, "--format", "json", "-o", baseline_});
    ASSERT_EQ(first.exit_code, 1) << describe(first);
    report_ = parse(read_file(baseline_));
    ASSERT_GT(report_["findings"].size(), 2u);
  }

  test::TempDir dir_;
  std::string image_, baseline_;
  json report_;
};

TEST_F(BaselineTest, RescanWithItsOwnReportFindsNothingNew) {
  auto again = run_strata({"scan", "oci:" + image_, "--format", "json", "--baseline", baseline_,
                           "--ignore-file", dir_.path() + "/none"});
  // --ignore-file must exist: a missing one is a usage error.
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find(dir_.path() + "/none: no such file"), std::string::npos) << again.err;

  again = run_strata({"scan", "oci:" + image_, "--format", "json", "--baseline", baseline_});
  EXPECT_EQ(again.exit_code, 0) << describe(again);
  json j = parse(again.out);
  ASSERT_EQ(j["findings"].size(), report_["findings"].size());
  EXPECT_EQ(counted(j), 0);
  // Each is suppressed: by the baseline, or by what suppressed it the first time.
  for (const json& f : j["findings"]) EXPECT_TRUE(f.contains("suppression")) << f["rule_id"];
  int baseline_kind = 0;
  for (const json& f : j["findings"]) {
    if (f.contains("suppression") && f["suppression"]["kind"] == "baseline") ++baseline_kind;
  }
  EXPECT_EQ(baseline_kind, counted(report_));
}

TEST_F(BaselineTest, SarifReportWorksAsBaselineToo) {
  std::string sarif = dir_.path() + "/baseline.sarif";
  auto first = run_strata({"scan", "oci:" + image_, "--format", "sarif", "-o", sarif});
  ASSERT_EQ(first.exit_code, 1) << describe(first);
  auto again = run_strata({"scan", "oci:" + image_, "--format", "json", "--baseline", sarif});
  EXPECT_EQ(again.exit_code, 0) << describe(again);
}

TEST_F(BaselineTest, PlantedSecretIsNew) {
  std::string layout = dir_.path() + "/layout";
  fs::copy(image_, layout, fs::copy_options::recursive);
  add_layer(layout, "app/planted.env", "STRIPE_KEY=" + planted_secret() + "\n");
  auto again = run_strata({"scan", "oci:" + layout, "--format", "json", "--baseline", baseline_});
  EXPECT_EQ(again.exit_code, 1) << describe(again);
  json j = parse(again.out);
  ASSERT_EQ(counted(j), 1) << again.out.substr(0, 4000);
  for (const json& f : j["findings"]) {
    if (!f["counts_toward_exit"].get<bool>()) continue;
    ASSERT_EQ(f["locations"].size(), 1u);
    EXPECT_EQ(f["locations"][0]["path"], "app/planted.env");
    EXPECT_EQ(f["locations"][0]["layer_index"], report_["images"][0]["layers"]);
  }
}

TEST_F(BaselineTest, LocationFingerprintsSurviveOtherLayerDigests) {
  // The same image written with zstd layers: every layer digest differs.
  std::string zstd = test::real_fixture("buildah-leaky.oci-zstd");
  if (zstd.empty()) STRATA_SKIP_OR_FAIL() << "fixture buildah-leaky.oci-zstd missing";
  auto other = run_strata({"scan", "oci:" + zstd, "--format", "json"});
  json j = parse(other.out);
  auto places = [](const json& report) {
    std::set<std::pair<std::string, std::string>> out;
    for (const json& f : report["findings"]) {
      for (const json& l : f["locations"]) out.emplace(f["fingerprint"], l["fingerprint"]);
    }
    return out;
  };
  auto a = places(report_);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, places(j));
  auto digests = [](const json& report) {
    std::set<std::string> out;
    for (const json& f : report["findings"]) {
      for (const json& l : f["locations"]) {
        if (l.contains("layer_digest")) out.insert(l["layer_digest"].get<std::string>());
      }
    }
    return out;
  };
  EXPECT_NE(digests(report_), digests(j));
}

TEST_F(BaselineTest, ExpiredIgnoreEntryStopsSuppressingAndSaysSo) {
  // Every counted finding ignored until 2999, except the first, whose entry expired.
  std::string text = "# triaged findings\n";
  std::string expired_fp;
  for (const json& f : report_["findings"]) {
    if (!f["counts_toward_exit"].get<bool>()) continue;
    std::string fp = f["fingerprint"];
    if (expired_fp.empty()) {
      expired_fp = fp;
      text += fp + " expires=2020-01-01 # accepted for the 2019 release\n";
    } else {
      text += fp + " expires=2999-12-31 # rotated\n";
    }
  }
  std::string ignore = dir_.path() + "/strataignore";
  write_file(ignore, text);
  auto r = run_strata({"scan", "oci:" + image_, "--format", "json", "--ignore-file", ignore});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  json j = parse(r.out);
  EXPECT_EQ(counted(j), 1);
  std::string warning = ignore + ":2: ignore entry expired on 2020-01-01";
  ASSERT_EQ(j["warnings"].size(), 1u) << j["warnings"].dump();
  EXPECT_NE(j["warnings"][0].get<std::string>().find(warning), std::string::npos);
  EXPECT_NE(r.err.find(warning), std::string::npos) << r.err;
  for (const json& f : j["findings"]) {
    if (f["fingerprint"] == expired_fp) {
      EXPECT_TRUE(f["counts_toward_exit"].get<bool>());
    } else if (f.contains("suppression") && f["suppression"]["kind"] == "ignore-file") {
      EXPECT_NE(f["suppression"]["reason"].get<std::string>().find("rotated (" + ignore + ":"),
                std::string::npos);
    }
  }

  auto sarif = run_strata({"scan", "oci:" + image_, "--format", "sarif", "--ignore-file", ignore});
  json s = parse(sarif.out);
  const json& notes = s["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["level"], "warning");
}

// A report written while the ignore file suppressed a finding must not accept that finding as
// a baseline: once the entry expires, the finding counts again (review P3.11).
TEST_F(BaselineTest, ExpiredIgnoreEntryIsNotDefeatedByABaseline) {
  std::vector<std::string> counted_fps;
  for (const json& f : report_["findings"]) {
    if (f["counts_toward_exit"].get<bool>()) counted_fps.push_back(f["fingerprint"]);
  }
  ASSERT_FALSE(counted_fps.empty());
  auto ignore_text = [&](const std::string& first_expires) {
    std::string text;
    for (size_t i = 0; i < counted_fps.size(); ++i) {
      text +=
          counted_fps[i] + " expires=" + (i == 0 ? first_expires : "2999-12-31") + " # triaged\n";
    }
    return text;
  };
  std::string ignore = dir_.path() + "/strataignore";
  write_file(ignore, ignore_text("2999-12-31"));
  for (const char* format : {"json", "sarif"}) {
    SCOPED_TRACE(format);
    std::string triaged = dir_.path() + "/triaged." + format;
    auto first = run_strata(
        {"scan", "oci:" + image_, "--format", format, "-o", triaged, "--ignore-file", ignore});
    ASSERT_EQ(first.exit_code, 0) << describe(first);

    write_file(ignore, ignore_text("2020-01-01"));
    auto r = run_strata({"scan", "oci:" + image_, "--format", "json", "--ignore-file", ignore,
                         "--baseline", triaged});
    write_file(ignore, ignore_text("2999-12-31"));
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    json j = parse(r.out);
    EXPECT_EQ(counted(j), 1);
    for (const json& f : j["findings"]) {
      if (f["fingerprint"] == counted_fps[0]) {
        EXPECT_TRUE(f["counts_toward_exit"].get<bool>());
      }
    }
  }
}

TEST_F(BaselineTest, ConfigFileNamesTheBaselineRelativeToItself) {
  std::string config = dir_.path() + "/ci/strata.yml";
  write_file(config, "baseline: ../baseline.json\n");
  auto r = run_strata({"scan", "oci:" + image_, "--format", "json", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
}

TEST_F(BaselineTest, BadBaselineIsAUsageError) {
  std::string bad = dir_.path() + "/bad.json";
  write_file(bad, "{\"findings\": [");
  auto r = run_strata({"scan", "oci:" + image_, "--baseline", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("baseline " + bad + ": invalid JSON"), std::string::npos) << r.err;
}

TEST_F(BaselineTest, GitlabReportListsUnsuppressedFindingsRedacted) {
  auto r = run_strata({"scan", "oci:" + image_, "--format", "gitlab"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  json j = parse(r.out);
  ASSERT_TRUE(j.is_object()) << r.out.substr(0, 2000);
  EXPECT_EQ(j["scan"]["type"], "secret_detection");
  EXPECT_EQ(j["scan"]["status"], "success");
  size_t unsuppressed = 0;
  for (const json& f : report_["findings"]) unsuppressed += f.contains("suppression") ? 0 : 1;
  EXPECT_EQ(j["vulnerabilities"].size(), unsuppressed);
  for (const json& v : j["vulnerabilities"]) {
    EXPECT_EQ(v["category"], "secret_detection");
    EXPECT_FALSE(v.contains("raw_source_code_extract"));
    EXPECT_EQ(v["location"]["commit"]["sha"], "0000000");
  }
  for (const auto& [name, value] : test::real::secrets().items()) {
    EXPECT_EQ(r.out.find(value.get<std::string>()), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace strata
