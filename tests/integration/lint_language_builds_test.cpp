// `strata lint` on multi-stage Node, Python, Go and Java builds written the way those
// communities write them, each with the leaks such builds have: each is linted, built with
// buildah and the image scanned; what lint predicts for the final image is what the scan finds
// there, and the other way round. Then lint's --fix is applied with git, the image rebuilt (the
// secrets given as build secrets) and scanned again: the leaks the fix covers are gone and the
// image still builds. What is real and what is stood in: see lint_build_support.hpp.
#include <gtest/gtest.h>

#include <string>

#include "lint_build_support.hpp"
#include "support/skip_or_fail.hpp"

namespace strata::test {
namespace {

using lint_build::json;
using lint_build::LintBuild;

// Fake secrets, made at run time.
std::string npm_token() { return "npm_" + std::string("k3Jd9QwXz7LmP2vB8nR4tY6uH1sA5cE0fG9i"); }
std::string index_password() { return "Pq7" + std::string("xK2mW9vL4nB8rT1y"); }
std::string github_token() { return "ghp_" + std::string("Z8xWq2Lm7Nv4Bk9Rt1Yc6Hs3Dj5Fg0Pa2QeK"); }
std::string db_password() { return "s3cr" + std::string("etDbPw7Xq2"); }
std::string maven_password() { return "Mvn" + std::string("RepoPw9Xz4Kq7Lm2"); }

const std::vector<std::string> kBaseImages = {"docker.io/library/node:20",
                                              "docker.io/library/node:20-slim",
                                              "docker.io/library/python:3.12",
                                              "docker.io/library/python:3.12-slim",
                                              "docker.io/library/golang:1.22",
                                              "gcr.io/distroless/static-debian12:latest",
                                              "docker.io/library/maven:3.9-eclipse-temurin-21",
                                              "docker.io/library/eclipse-temurin:21-jre"};

// The base images are made once for the suite, in a store the tests share.
class LintLanguageBuildTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new TempDir();
    if (LintBuild::missing_tool().empty()) LintBuild(store_->path()).make_base_images(kBaseImages);
  }
  static void TearDownTestSuite() {
    LintBuild(store_->path()).remove_all_images();
    delete store_;
    store_ = nullptr;
  }

  void SetUp() override {
    if (std::string tool = LintBuild::missing_tool(); !tool.empty()) {
      STRATA_SKIP_OR_FAIL() << tool << " is not installed";
    }
  }
  void TearDown() override { b_.remove_built_images(); }

  // Lints, builds with `env`/`flags` and scans: the two agree on the image's leaks. Returns
  // the scan's report.
  json lint_build_scan(const std::map<std::string, std::string>& args, const std::string& flags,
                       int lint_exit) {
    json lint = b_.run_json("lint", lint_exit);
    std::string env;
    for (const auto& [name, value] : args) env += name + "='" + value + "' ";
    std::string image = b_.build("leaky", env, flags);
    json scan = b_.run_json("scan '" + image + "'", 1);
    lint_build::expect_agreement(lint, scan, args);
    return scan;
  }

  // Applies lint --fix, rebuilds with `env`/`flags` and scans the new image.
  json fix_build_scan(const std::map<std::string, std::string>& args, const std::string& flags) {
    CommandResult fix = b_.apply_fix();
    EXPECT_EQ(fix.exit_code, 0) << fix.output;
    std::string env;
    for (const auto& [name, value] : args) env += name + "='" + value + "' ";
    return b_.run_json("scan '" + b_.build("fixed", env, flags) + "'", 0);
  }

  static bool holds(const json& report, const std::string& secret) {
    return report.dump().find(secret) != std::string::npos;
  }

  static TempDir* store_;
  LintBuild b_{store_->path()};
};

TempDir* LintLanguageBuildTest::store_ = nullptr;

// Node: the registry token the .npmrc names (${NPM_TOKEN}) comes in as a build arg, in the
// builder and again in the runtime stage that installs the production dependencies; the
// builder's COPY . . takes .env, which stays in the builder (only dist/ is copied on).
TEST_F(LintLanguageBuildTest, Node) {
  b_.write("package.json", "{\"name\": \"app\", \"dependencies\": {\"@acme/ui\": \"^2.1.0\"}}\n");
  b_.write("package-lock.json", "{\"lockfileVersion\": 3}\n");
  b_.write(".npmrc",
           "@acme:registry=https://npm.pkg.github.com/\n"
           "//npm.pkg.github.com/:_authToken=${NPM_TOKEN}\n");
  b_.write("src/server.js", "require('express')().listen(3000);\n");
  b_.write(".env", "DATABASE_URL=postgres://app:" + db_password() + "@db:5432/app\n");
  b_.write(".dockerignore", "node_modules\nnpm-debug.log\n.git\n");
  b_.write("Dockerfile",
           "FROM node:20 AS build\n"
           "ARG NPM_TOKEN\n"
           "WORKDIR /app\n"
           "COPY package*.json .npmrc ./\n"
           "RUN npm ci\n"
           "COPY . .\n"
           "RUN npm run build\n"
           "\n"
           "FROM node:20-slim\n"
           "ENV NODE_ENV=production\n"
           "ARG NPM_TOKEN\n"
           "WORKDIR /app\n"
           "COPY package*.json .npmrc ./\n"
           "RUN npm ci --omit=dev\n"
           "COPY --from=build /app/dist ./dist\n"
           "USER node\n"
           "CMD [\"node\", \"dist/server.js\"]\n");
  json scan =
      lint_build_scan({{"NPM_TOKEN", npm_token()}}, "--build-arg NPM_TOKEN=" + npm_token(), 1);
  EXPECT_TRUE(holds(scan, npm_token()));
  EXPECT_FALSE(holds(scan, db_password()));  // .env stayed in the builder

  json fixed = fix_build_scan({{"NPM_TOKEN", npm_token()}}, "--secret id=npm_token,env=NPM_TOKEN");
  EXPECT_FALSE(holds(fixed, npm_token())) << fixed.dump(1);
  EXPECT_TRUE(fixed["findings"].empty()) << fixed.dump(1);
}

// Python: no .dockerignore, a developer's pip.conf with the private index's credentials in the
// context; the builder copies everything and the runtime takes the builder's whole /app.
TEST_F(LintLanguageBuildTest, Python) {
  b_.write("requirements.txt", "flask==3.0.3\nacme-billing==1.4.2\n");
  b_.write("pip.conf", "[global]\nindex-url = https://ci-bot:" + index_password() +
                           "@pypi.corp.example/simple/\n");
  b_.write("app/__init__.py", "");
  b_.write("app/main.py", "print('hello')\n");
  b_.write("Dockerfile",
           "FROM python:3.12 AS build\n"
           "WORKDIR /app\n"
           "ENV PIP_CONFIG_FILE=/app/pip.conf\n"
           "COPY . .\n"
           "RUN pip install --no-cache-dir --target=/app/deps -r requirements.txt\n"
           "\n"
           "FROM python:3.12-slim\n"
           "WORKDIR /app\n"
           "COPY --from=build /app /app\n"
           "ENV PYTHONPATH=/app/deps\n"
           "CMD [\"python\", \"-m\", \"app.main\"]\n");
  json scan = lint_build_scan({}, "", 1);
  EXPECT_TRUE(holds(scan, index_password()));

  json fixed = fix_build_scan({}, "");
  EXPECT_FALSE(holds(fixed, index_password())) << fixed.dump(1);
  EXPECT_TRUE(fixed["findings"].empty()) << fixed.dump(1);
}

// Go: a GitHub token for the private modules as a builder build arg (it stays in the builder:
// only the binary is copied on), and the production config, with its database password,
// copied from the context into the runtime image.
TEST_F(LintLanguageBuildTest, Go) {
  b_.write("go.mod",
           "module github.com/acme/app\n\ngo 1.22\n\nrequire github.com/acme/lib v1.4.0\n");
  b_.write("go.sum", "github.com/acme/lib v1.4.0 h1:abc=\n");
  b_.write("cmd/app/main.go", "package main\n\nfunc main() {}\n");
  b_.write("config/app.yaml", "listen: :8080\n");
  b_.write("config/prod.yaml",
           "database: postgres://app:" + db_password() + "@db.internal:5432/app\n");
  b_.write(".dockerignore", ".git\n*.md\n");
  b_.write("Dockerfile",
           "FROM golang:1.22 AS build\n"
           "ARG GITHUB_TOKEN\n"
           "ENV GOPRIVATE=github.com/acme/*\n"
           "WORKDIR /src\n"
           "RUN git config --global "
           "url.\"https://x-access-token:${GITHUB_TOKEN}@github.com/\".insteadOf "
           "\"https://github.com/\"\n"
           "COPY go.mod go.sum ./\n"
           "RUN go mod download\n"
           "COPY . .\n"
           "RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n"
           "\n"
           "FROM gcr.io/distroless/static-debian12\n"
           "COPY --from=build /out/app /app\n"
           "COPY config/ /etc/app/\n"
           "USER 65532:65532\n"
           "ENTRYPOINT [\"/app\", \"-config\", \"/etc/app\"]\n");
  json scan = lint_build_scan({{"GITHUB_TOKEN", github_token()}},
                              "--build-arg GITHUB_TOKEN=" + github_token(), 1);
  EXPECT_TRUE(holds(scan, db_password()));
  EXPECT_FALSE(holds(scan, github_token()));  // the builder's

  json fixed = fix_build_scan({{"GITHUB_TOKEN", github_token()}},
                              "--secret id=github_token,env=GITHUB_TOKEN");
  EXPECT_FALSE(holds(fixed, db_password())) << fixed.dump(1);
  EXPECT_TRUE(fixed["findings"].empty()) << fixed.dump(1);
}

// Java: the builder copies the project with the settings.xml whose server password opens the
// private repository (mvn -s settings.xml), and the runtime takes the builder's whole tree.
TEST_F(LintLanguageBuildTest, Java) {
  b_.write("pom.xml", "<project><artifactId>app</artifactId></project>\n");
  b_.write("src/main/java/com/acme/App.java", "class App {}\n");
  b_.write("settings.xml",
           "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n"
           "      <username>ci</username>\n      <password>" +
               maven_password() + "</password>\n    </server>\n  </servers>\n</settings>\n");
  b_.write(".dockerignore", "target/\n.git\n.idea/\n");
  b_.write("Dockerfile",
           "FROM maven:3.9-eclipse-temurin-21 AS build\n"
           "WORKDIR /src\n"
           "COPY . .\n"
           "RUN mvn -s settings.xml -B -DskipTests package\n"
           "\n"
           "FROM eclipse-temurin:21-jre\n"
           "WORKDIR /app\n"
           "COPY --from=build /src /app\n"
           "EXPOSE 8080\n"
           "ENTRYPOINT [\"java\", \"-jar\", \"/app/target/app.jar\"]\n");
  json scan = lint_build_scan({}, "", 1);
  EXPECT_TRUE(holds(scan, maven_password()));

  json fixed = fix_build_scan({}, "--secret id=settings_xml,src='" + b_.ctx() + "/settings.xml'");
  EXPECT_FALSE(holds(fixed, maven_password())) << fixed.dump(1);
  EXPECT_TRUE(fixed["findings"].empty()) << fixed.dump(1);
}

}  // namespace
}  // namespace strata::test
