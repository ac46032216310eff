#include "strata/dockerfile/dockerignore.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "support/test_env.hpp"

namespace strata {
namespace {

DockerIgnore ignore_of(std::string_view text) {
  auto parsed = DockerIgnore::parse(text);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return *parsed;
}

TEST(DockerIgnoreTest, APatternExcludesThePathAndEverythingBelowIt) {
  DockerIgnore ignore = ignore_of("node_modules\n.git/\n");
  EXPECT_TRUE(ignore.excludes("node_modules"));
  EXPECT_TRUE(ignore.excludes("node_modules/a/b.js"));
  EXPECT_TRUE(ignore.excludes(".git/config"));
  EXPECT_FALSE(ignore.excludes("src/node_modules/x"));  // anchored at the root
  EXPECT_FALSE(ignore.excludes("node_modules2"));
}

TEST(DockerIgnoreTest, StarAndQuestionMarkStopAtSlash) {
  DockerIgnore ignore = ignore_of("*.env\n*/temp*\ntemp?\n");
  EXPECT_TRUE(ignore.excludes("prod.env"));
  EXPECT_FALSE(ignore.excludes("config/prod.env"));
  EXPECT_TRUE(ignore.excludes("somedir/temporary.txt"));
  EXPECT_FALSE(ignore.excludes("a/b/temporary.txt"));
  EXPECT_TRUE(ignore.excludes("tempa"));
  EXPECT_FALSE(ignore.excludes("tempab"));
}

TEST(DockerIgnoreTest, DoubleStarSpansDirectories) {
  DockerIgnore ignore = ignore_of("**/*.pem\nlogs/**\n**/.env\n");
  EXPECT_TRUE(ignore.excludes("key.pem"));
  EXPECT_TRUE(ignore.excludes("a/b/c/key.pem"));
  EXPECT_TRUE(ignore.excludes("logs/x/y.log"));
  EXPECT_TRUE(ignore.excludes(".env"));
  EXPECT_TRUE(ignore.excludes("svc/api/.env"));
  EXPECT_FALSE(ignore.excludes("svc/api/.envrc"));
}

TEST(DockerIgnoreTest, TheLastMatchingLineWins) {
  DockerIgnore a = ignore_of("*.md\n!README*.md\nREADME-secret.md\n");
  EXPECT_TRUE(a.excludes("notes.md"));
  EXPECT_FALSE(a.excludes("README.md"));
  EXPECT_TRUE(a.excludes("README-secret.md"));
  DockerIgnore b = ignore_of("*.md\nREADME-secret.md\n!README*.md\n");
  EXPECT_FALSE(b.excludes("README-secret.md"));
}

TEST(DockerIgnoreTest, AnExceptionReIncludesAFileInAnExcludedDirectory) {
  DockerIgnore ignore = ignore_of("*\n!src\n!package.json\nsrc/**/*.test.js\n");
  EXPECT_TRUE(ignore.excludes(".env"));
  EXPECT_FALSE(ignore.excludes("src/index.js"));
  EXPECT_FALSE(ignore.excludes("package.json"));
  EXPECT_TRUE(ignore.excludes("src/a/b.test.js"));
}

TEST(DockerIgnoreTest, PatternsAreCleanedAndALeadingSlashDropped) {
  DockerIgnore ignore = ignore_of("  /secrets/  \n./a/../b\n# .env is a comment\n\n");
  ASSERT_EQ(ignore.patterns().size(), 2u);
  EXPECT_EQ(ignore.patterns()[0].glob, "secrets");
  EXPECT_EQ(ignore.patterns()[1].glob, "b");
  EXPECT_EQ(ignore.patterns()[1].line, 2);
  EXPECT_TRUE(ignore.excludes("secrets/id_rsa"));
  EXPECT_TRUE(ignore.excludes("./b/x"));
  EXPECT_FALSE(ignore.excludes(".env"));
}

TEST(DockerIgnoreTest, ClassesAndEscapes) {
  DockerIgnore ignore = ignore_of("[a-c].txt\n[^x]y\n\\*literal\n");
  EXPECT_TRUE(ignore.excludes("b.txt"));
  EXPECT_FALSE(ignore.excludes("d.txt"));
  EXPECT_TRUE(ignore.excludes("zy"));
  EXPECT_FALSE(ignore.excludes("xy"));
  EXPECT_TRUE(ignore.excludes("*literal"));
  EXPECT_FALSE(ignore.excludes("aliteral"));
}

TEST(DockerIgnoreTest, MalformedLinesAreErrorsNamingTheLine) {
  auto bang = DockerIgnore::parse("a\n!\n");
  ASSERT_FALSE(bang);
  EXPECT_EQ(bang.error().message, "line 2: '!' without a pattern");
  auto cls = DockerIgnore::parse("[abc\n");
  ASSERT_FALSE(cls);
  EXPECT_NE(cls.error().message.find("line 1: unterminated ["), std::string::npos);
}

TEST(DockerIgnoreTest, CleanSlashPath) {
  EXPECT_EQ(clean_slash_path(""), ".");
  EXPECT_EQ(clean_slash_path("a//b/./c/.."), "a/b");
  EXPECT_EQ(clean_slash_path("/../x"), "/x");
  EXPECT_EQ(clean_slash_path("../x"), "../x");
}

TEST(DockerIgnoreTest, TheDockerfileSpecificIgnoreFileIsPreferred) {
  test::TempDir dir;
  std::filesystem::path root = dir.path();
  std::ofstream(root / ".dockerignore") << "a\n";
  EXPECT_EQ(find_dockerignore((root / "Dockerfile").string(), root.string()),
            (root / ".dockerignore").string());
  std::ofstream(root / "Dockerfile.dockerignore") << "b\n";
  auto path = find_dockerignore((root / "Dockerfile").string(), root.string());
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, (root / "Dockerfile.dockerignore").string());
  auto ignore = read_dockerignore(*path);
  ASSERT_TRUE(ignore);
  EXPECT_TRUE(ignore->excludes("b"));
  EXPECT_FALSE(find_dockerignore("/nonexistent/Dockerfile", "/nonexistent"));
  EXPECT_FALSE(read_dockerignore("/nonexistent/.dockerignore"));
}

// A context's paths (directories and files) for the pruning tests.
const std::vector<std::string> kTree = {".env",
                                        ".git",
                                        ".git/config",
                                        ".git/objects",
                                        ".git/objects/ab",
                                        "README.md",
                                        "node_modules",
                                        "node_modules/a",
                                        "node_modules/a/index.js",
                                        "node_modules/keep.txt",
                                        "node_modules/.bin",
                                        "node_modules/.bin/x",
                                        "src",
                                        "src/app.js",
                                        "src/.env",
                                        "src/tmp",
                                        "src/tmp/cache.bin",
                                        "docs",
                                        "docs/a.md",
                                        "docs/keep.md",
                                        "build",
                                        "build/out/app.jar"};

bool is_dir(const std::string& path) {
  return std::ranges::any_of(kTree,
                             [&](const std::string& p) { return p.starts_with(path + "/"); });
}

// The sent paths as the filter alone sees them, and as a walk that skips pruned directories.
std::vector<std::string> sent_by_filter(const DockerIgnore& ignore) {
  std::vector<std::string> sent;
  for (const std::string& p : kTree) {
    if (!ignore.excludes(p)) sent.push_back(p);
  }
  return sent;
}

std::vector<std::string> sent_by_pruned_walk(const DockerIgnore& ignore, size_t& visited) {
  std::vector<std::string> sent;
  std::vector<std::string> pruned;
  visited = 0;
  for (const std::string& p : kTree) {
    if (std::ranges::any_of(pruned, [&](const std::string& d) { return p.starts_with(d + "/"); }))
      continue;
    ++visited;
    if (is_dir(p) && ignore.prunes(p)) pruned.push_back(p);
    if (!ignore.excludes(p)) sent.push_back(p);
  }
  return sent;
}

// Patterns that make a backtracking matcher take exponential time answer at once.
TEST(DockerIgnoreTest, PathologicalPatternsAreFast) {
  std::string stars;
  for (int i = 0; i < 30; ++i) stars += "*a";
  DockerIgnore ignore = ignore_of(stars + "*b\n!" + stars + "*b/x\n**/" + stars + "**/c\n");
  std::string name(200, 'a');
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(ignore.excludes(name));
  EXPECT_FALSE(ignore.excludes(name + "/" + name + "/f"));
  EXPECT_FALSE(ignore.prunes(name));
  EXPECT_TRUE(ignore_of(stars + "*\n").excludes(name));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(DockerIgnoreTest, APrunedWalkSendsWhatTheFilterSends) {
  for (const char* text :
       {"node_modules\n.git\n", "node_modules\n!node_modules/keep.txt\n", "*\n!src\n",
        "**/tmp\n.git\n!**/keep.*\n", "*/*\n!*/keep.txt\n", "node_modules\n!node_modules\n",
        "*\n!docs/keep.md\ndocs\n", "build\n!build/out\n", "[a-z]*\n![n]ode_modules/.bin\n",
        "src\n!sr?/.env\n", "**\n!**/*.md\n", "node_modules/\n!node_modules/*/index.js\n"}) {
    DockerIgnore ignore = ignore_of(text);
    size_t visited = 0;
    EXPECT_EQ(sent_by_pruned_walk(ignore, visited), sent_by_filter(ignore)) << text;
  }
}

TEST(DockerIgnoreTest, AnExcludedDirectoryIsPrunedUnlessAnExceptionCouldReachBeneathIt) {
  size_t visited = 0;
  DockerIgnore plain = ignore_of("node_modules\n.git\n");
  EXPECT_TRUE(plain.prunes("node_modules"));
  EXPECT_TRUE(plain.prunes(".git/objects"));
  EXPECT_FALSE(plain.prunes("src"));
  sent_by_pruned_walk(plain, visited);
  EXPECT_EQ(visited, kTree.size() - 8);  // 5 entries beneath node_modules, 3 beneath .git

  EXPECT_FALSE(ignore_of("node_modules\n!node_modules/keep.txt\n").prunes("node_modules"));
  EXPECT_FALSE(ignore_of("node_modules\n!*/keep.txt\n").prunes("node_modules"));
  EXPECT_FALSE(ignore_of("node_modules\n!**/keep.txt\n").prunes("node_modules"));
  EXPECT_FALSE(ignore_of("node_modules\n![mn]ode_modules/x\n").prunes("node_modules"));
  EXPECT_TRUE(ignore_of("!node*\nnode_modules\n!src/keep.txt\n").prunes("node_modules"));
  EXPECT_TRUE(ignore_of("*\n!src\n").prunes("node_modules"));
  EXPECT_FALSE(ignore_of("*\n!src\n").prunes("src"));  // not excluded
}

}  // namespace
}  // namespace strata
