#include "context_landings.hpp"

#include <gtest/gtest.h>

namespace strata {
namespace {

Dockerfile parsed(std::string_view text) {
  auto df = parse_dockerfile(text);
  EXPECT_TRUE(df) << df.error().message;
  return *df;
}

// "path origin-line entry-line", or "none".
std::string landing(const Dockerfile& df, const std::string& path) {
  std::optional<Landing> l = final_landing(df, path);
  if (!l) return "none";
  return l->path + " " + std::to_string(l->origin->line) + " " + std::to_string(l->entry->line);
}

TEST(ContextLandingsTest, AWholeBuilderTreeCarriesTheContextIntoTheRuntime) {
  Dockerfile df = parsed(
      "FROM node:20 AS build\n"
      "WORKDIR /app\n"
      "COPY package*.json .npmrc ./\n"
      "RUN npm ci\n"
      "COPY . .\n"
      "FROM node:20-slim\n"
      "WORKDIR /app\n"
      "COPY --from=build /app ./\n");
  EXPECT_EQ(landing(df, ".npmrc"), "/app/.npmrc 3 8");
  EXPECT_EQ(landing(df, "package.json"), "/app/package.json 3 8");
  EXPECT_EQ(landing(df, ".env"), "/app/.env 5 8");
  EXPECT_EQ(landing(df, "src/index.js"), "/app/src/index.js 5 8");
}

TEST(ContextLandingsTest, OnlyWhatTheCopyFromCoversArrives) {
  Dockerfile df = parsed(
      "FROM golang AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app\n"
      "FROM scratch\nCOPY --from=build /out/app /app\nCOPY --from=build src/web/ /www/\n");
  EXPECT_EQ(landing(df, ".env"), "none");
  EXPECT_EQ(landing(df, "web/index.html"), "/www/index.html 3 7");  // from the stage's root
}

TEST(ContextLandingsTest, FilesAreRenamedOrPutIntoDirectoriesAsDockerDoes) {
  Dockerfile df = parsed(
      "FROM maven AS build\nWORKDIR /build\nCOPY settings.xml /root/.m2/\nCOPY pom.xml .\n"
      "FROM temurin AS base\nCOPY --from=build /root/.m2/settings.xml /etc/app.xml\n"
      "COPY *.properties /conf/\nFROM base\nWORKDIR /app\nCOPY conf/ cfg\n");
  EXPECT_EQ(landing(df, "settings.xml"), "/etc/app.xml 3 6");
  EXPECT_EQ(landing(df, "pom.xml"), "none");
  EXPECT_EQ(landing(df, "db.properties"), "/conf/db.properties 7 7");  // via FROM base
  EXPECT_EQ(landing(df, "sub/db.properties"), "none");
  EXPECT_EQ(landing(df, "conf/a/b"), "/app/cfg/a/b 10 10");
}

TEST(ContextLandingsTest, StagesThatAreNotCopiedAndExternalImagesCarryNothing) {
  Dockerfile df = parsed(
      "FROM alpine AS tools\nCOPY . /ctx\nFROM alpine\nCOPY --from=tools2 / /\n"
      "COPY --from=busybox:1 /bin/busybox /bin/\nCOPY <<EOF /etc/x\nhi\nEOF\n");
  EXPECT_EQ(landing(df, ".env"), "none");
}

}  // namespace
}  // namespace strata
