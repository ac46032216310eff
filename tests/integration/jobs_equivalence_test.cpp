// --jobs: the JSON report of a scan is the same, byte for byte (but the time it took), with one
// job (no threads, no pipelining) as with several (layers in parallel, decode and scan of each
// layer pipelined, one layer's files spread over the threads its worker has).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "support/image_writer.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

// Random-looking (rules reject low-entropy values), generated from `seed`.
std::string random_chars(const std::string& alphabet, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[rng() % alphabet.size()]);
  return out;
}
const std::string kBase62 =
    "0123456789" + std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "abcdefghijklmnopqrstuvwxyz";
std::string github_token(uint32_t seed) {
  return std::string("gh") + "p_" + random_chars(kBase62, 36, seed);
}
std::string aws_key_id(uint32_t seed) {
  return std::string("AK") + "IA" + random_chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, seed);
}

// Filler text with a near miss every few lines, so the scanner has candidates to confirm.
std::string filler(size_t bytes, int seed) {
  std::string out;
  for (int i = 0; out.size() < bytes; ++i) {
    out += "line " + std::to_string(seed * 7919 + i) + " password = os.environ['X'] value\n";
  }
  return out;
}

// Layers with many small files, files bigger than a pipeline batch, a nested tar.gz, a
// docker config, whiteouts and compression of every kind.
TestImage busy_image() {
  TestImage img;
  TarWriter base;
  for (int i = 0; i < 400; ++i) {
    std::string body = filler(100 + (i * 37) % 3000, i);
    if (i % 97 == 0) body += "token: " + github_token(static_cast<uint32_t>(i)) + "\n";
    base.add_file("usr/share/doc/pkg" + std::to_string(i) + "/README", body);
    // A .git directory whose entries lie far apart: threads scanning one layer's files each
    // see some of them, and it is still reported once.
    if (i % 100 == 50)
      base.add_file("srv/.git/objects/f" + std::to_string(i), filler(600 << 10, i));
  }
  base.add_file("opt/big.log", filler(3 << 20, 1) + "key " + aws_key_id(7) + "\n");
  TarWriter inner;
  inner.add_file("conf/app.env", "GH=" + github_token(1001) + "\n");
  base.add_file("opt/vendor/bundle.tgz", gzip_compress(inner.finish()));
  img.layers.push_back({base.finish(), TestCompression::kGzip, ""});

  TarWriter app;
  app.add_whiteout("usr/share/doc/pkg0/README");
  app.add_file("root/.docker/config.json",
               R"({"auths":{"r.example.com":{"auth":"dXNlcjpwYXNzd29yZDEyMzQ1"}}})");
  for (int i = 0; i < 50; ++i) {
    app.add_file("app/src/m" + std::to_string(i) + ".js",
                 filler(5000, 1000 + i) + "const t = '" +
                     github_token(1002 + static_cast<uint32_t>(i % 3)) + "';\n");
  }
  img.layers.push_back({app.finish(), TestCompression::kZstd, ""});
  img.layers.push_back({TarWriter().add_file("app/extra.txt", filler(1 << 20, 9)).finish(),
                        TestCompression::kNone, ""});
  return img;
}

// The report without its one timing field.
std::string without_seconds(const std::string& json) {
  return std::regex_replace(json, std::regex("\"seconds\": *[0-9.eE+-]+"), "\"seconds\": 0");
}

TEST(JobsEquivalence, JsonReportIsTheSameWithOneJobAndWithMany) {
  TempDir dir;
  write_oci_layout(dir.path() + "/layout", {busy_image()});
  std::string target = "oci:" + dir.path() + "/layout";
  std::vector<std::string> base = {"scan", target, "--format", "json", "--verify-diff-ids"};
  auto with_jobs = [&](const std::string& jobs) {
    std::vector<std::string> args = base;
    if (!jobs.empty()) args.insert(args.end(), {"--jobs", jobs});
    return run_strata(args);
  };
  RunResult one = with_jobs("1");
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_NE(one.out.find("github"), std::string::npos);
  std::string expected = without_seconds(one.out);
  for (const std::string jobs : {"2", "4", ""}) {
    RunResult many = with_jobs(jobs);
    EXPECT_EQ(many.exit_code, 1) << many.err;
    EXPECT_EQ(without_seconds(many.out), expected) << "--jobs " << jobs;
  }
}

TEST(JobsEquivalence, SingleLayerJsonIsTheSameWithOneJobAndWithMany) {
  TempDir dir;
  TestImage img = busy_image();
  img.layers.resize(1);
  write_oci_layout(dir.path() + "/layout", {img});
  std::string target = "oci:" + dir.path() + "/layout";
  RunResult one = run_strata({"scan", target, "--format", "json", "--jobs", "1"});
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_NE(one.out.find("srv/.git"), std::string::npos);
  for (const std::string jobs : {"2", "3", "4"}) {
    RunResult many = run_strata({"scan", target, "--format", "json", "--jobs", jobs});
    EXPECT_EQ(without_seconds(many.out), without_seconds(one.out)) << "--jobs " << jobs;
  }
}

// A tree on disk with what a directory walk meets: many small files, big ones among them,
// nested archives (one corrupt), a .git directory, secret files by name, a symlink and a FIFO.
void write_busy_tree(const std::string& root) {
  for (int i = 0; i < 600; ++i) {
    std::string body = filler(100 + (i * 53) % 4000, i);
    if (i % 41 == 0) body += "token: " + github_token(static_cast<uint32_t>(i)) + "\n";
    write_file(root + "/pkg" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".txt", body);
  }
  write_file(root + "/big/a.log", filler(4 << 20, 2) + "key " + aws_key_id(8) + "\n");
  write_file(root + "/big/b.log", filler(3 << 20, 3) + "t " + github_token(2001) + "\n");
  TarWriter inner;
  inner.add_file("conf/app.env", "GH=" + github_token(2002) + "\n");
  write_file(root + "/vendor/bundle.tgz", gzip_compress(inner.finish()));
  write_file(root + "/vendor/broken.tar.gz", std::string("\x1f\x8b\x08\x00", 4) + "not gzip");
  write_file(root + "/.git/config", "[core]\n");
  write_file(root + "/.git/objects/ab/cd", filler(300, 5));
  write_file(root + "/app/.env", "API=" + github_token(2003) + "\n");
  write_file(root + "/root/.docker/config.json",
             R"({"auths":{"r.example.com":{"auth":"dXNlcjpwYXNzd29yZDEyMzQ1"}}})");
  ASSERT_EQ(symlink("../app/.env", (root + "/pkg1/env-link").c_str()), 0);
  ASSERT_EQ(mkfifo((root + "/pkg2/pipe").c_str(), 0600), 0);
}

TEST(JobsEquivalence, DirectoryJsonIsTheSameWithOneJobAndWithMany) {
  TempDir dir;
  write_busy_tree(dir.path() + "/tree");
  std::vector<std::string> base = {"scan", dir.path() + "/tree", "--format", "json"};
  auto with_jobs = [&](const std::string& jobs) {
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--jobs", jobs});
    return run_strata(args);
  };
  RunResult one = with_jobs("1");
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_NE(one.out.find("github"), std::string::npos);
  EXPECT_NE(one.out.find("broken.tar.gz: nested tar: gzip"), std::string::npos);  // skipped
  std::string expected = without_seconds(one.out);
  for (const std::string jobs : {"2", "4", "4", "8"}) {
    RunResult many = with_jobs(jobs);
    EXPECT_EQ(many.exit_code, 1) << many.err;
    EXPECT_EQ(without_seconds(many.out), expected) << "--jobs " << jobs;
  }
}

}  // namespace
}  // namespace strata::test
