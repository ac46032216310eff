#include "strata/dockerfile/dockerignore.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace strata
