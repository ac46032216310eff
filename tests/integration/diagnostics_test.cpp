// What the binary says on stderr and how findings merge across layers, on images the tests
// write: an error quoting a secret the scan found shows it redacted (unless --reveal), every
// failure (memory running out on any thread) is exit code 2 with an error, and a secret file
// seen in two layers keeps the worse of its two severities.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "support/image_writer.hpp"
#include "support/sanitizers.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

using nlohmann::json;

// "ghp_" and 36 random base62 characters, generated from `seed`.
std::string github_token(uint32_t seed) {
  const std::string digits =
      "0123456789" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "abcdefghijklmnopqrstuvwxyz";
  std::mt19937 rng(seed);
  std::string out = std::string("gh") + "p_";
  for (int i = 0; i < 36; ++i) out.push_back(digits[rng() % digits.size()]);
  return out;
}

// An OCI layout: a file holding `token`, then a layer cut off inside an entry named after it,
// so the scan's error quotes the token.
std::string token_in_an_error(const TempDir& dir, const std::string& token) {
  TestImage img;
  img.layers.push_back(
      {TarWriter().add_file("app/settings.txt", "GITHUB_TOKEN=" + token + "\n").finish(),
       TestCompression::kGzip, ""});
  std::string cut =
      TarWriter().add_file("backup/" + token + ".txt", std::string(4000, 'x')).finish();
  cut.resize(512 + 1000);  // the header and part of the data
  img.layers.push_back({cut, TestCompression::kNone, ""});
  write_oci_layout(dir.path() + "/layout", {img});
  return "oci:" + dir.path() + "/layout";
}

TEST(DiagnosticsTest, AnErrorQuotingAFoundSecretShowsItRedactedOnStderr) {
  TempDir dir;
  std::string token = github_token(31);
  std::string target = token_in_an_error(dir, token);
  RunResult r = run_strata({"scan", target, "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("backup/ghp_"), std::string::npos) << r.err;  // redacted, not dropped
  EXPECT_EQ(r.err.find(token), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find(token), std::string::npos);
}

// The check above can fail: the error does quote the token, and --reveal shows it.
TEST(DiagnosticsTest, RevealShowsTheSecretInErrorsToo) {
  TempDir dir;
  std::string token = github_token(32);
  RunResult r = run_strata({"scan", token_in_an_error(dir, token), "--format", "json", "--reveal"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("backup/" + token), std::string::npos) << r.err;
}

// `.env` in two layers: plain in the first, holding a token in the second (escalated to the
// token's severity). The merged finding is as severe as the worse one, whichever came first.
TEST(DiagnosticsTest, ASecretFileInTwoLayersKeepsTheWorseSeverity) {
  TempDir dir;
  TestImage img;
  img.layers.push_back(
      {TarWriter().add_file("app/.env", "DEBUG=1\n").finish(), TestCompression::kGzip, ""});
  img.layers.push_back(
      {TarWriter().add_file("app/.env", "GITHUB_TOKEN=" + github_token(33) + "\n").finish(),
       TestCompression::kGzip, ""});
  write_oci_layout(dir.path() + "/layout", {img});
  RunResult r = run_strata({"scan", "oci:" + dir.path() + "/layout", "--format", "json",
                            "--severity", "github.token=critical"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json report = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out;
  const json* env = nullptr;
  for (const json& f : report["findings"]) {
    if (f["rule_id"] == "file.dotenv") env = &f;
  }
  ASSERT_NE(env, nullptr) << r.out;
  EXPECT_EQ((*env)["severity"], "critical") << env->dump(2);
  EXPECT_EQ((*env)["locations"].size(), 2u) << env->dump(2);
}

// A docker-archive of three layers of a few hundred files each: enough for a scan to allocate
// on every thread.
std::string busy_archive(const TempDir& dir) {
  std::mt19937 rng(7);
  TestImage img;
  for (int layer = 0; layer < 3; ++layer) {
    TarWriter t;
    for (int i = 0; i < 300; ++i) {
      std::string body;
      for (int line = 0; line < 100; ++line) body += "line " + std::to_string(rng()) + " key = x\n";
      t.add_file("l" + std::to_string(layer) + "/f" + std::to_string(i) + ".txt", body);
    }
    img.layers.push_back({t.finish(), TestCompression::kGzip, ""});
  }
  std::string path = dir.path() + "/busy.tar";
  write_docker_archive(path, {img}, DockerArchiveShape::kLegacy);
  return path;
}

// Memory running out anywhere (rule loading, a layer's worker thread, the pipelined walk's
// threads, the report) ends strata with exit code 2 and an error on stderr, never an abort:
// the scan runs under address-space limits rising from "cannot even load" to "enough".
TEST(DiagnosticsTest, UnderAnyMemoryLimitEveryFailureIsAnExitCode) {
#if STRATA_UNDER_ASAN
  GTEST_SKIP() << "AddressSanitizer reserves more address space than any limit allows";
#else
  TempDir dir;
  std::string image = busy_archive(dir);
  std::string err = dir.path() + "/err.txt";
  int out_of_memory = 0;
  for (int mib = 40; mib <= 1024; mib += 6) {
    std::string cmd = "(ulimit -v " + std::to_string(mib * 1024) + "; exec '" + STRATA_BINARY +
                      "' scan -q -j 3 -f json -o /dev/null '" + image + "') >/dev/null 2>'" + err +
                      "'";
    int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << mib << " MiB";
    int code = WEXITSTATUS(status);
    std::string text = read_file(err);
    if (code == 127 && text.find("error while loading shared libraries") != std::string::npos) {
      continue;  // too little to start: not strata's doing
    }
    ASSERT_TRUE(code <= 2) << mib << " MiB: exit " << code << "\n" << text;
    if (code < 2) break;  // enough memory from here on
    EXPECT_NE(text.find("strata: error: "), std::string::npos) << mib << " MiB: " << text;
    ++out_of_memory;
  }
  EXPECT_GT(out_of_memory, 0) << "no limit made strata run out of memory";
#endif
}

}  // namespace
}  // namespace strata::test
