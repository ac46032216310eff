// RegistryCatalog against Debian's docker-registry: repositories and tags page by page as its
// Link headers lead; next_page_url on the header forms registries send.
#include "strata/remote/registry_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/image_writer.hpp"
#include "support/registry_server.hpp"
#include "support/tar_writer.hpp"
#include "support/test_env.hpp"

namespace strata {
namespace {

using test::RegistryServer;

TEST(NextPageUrlTest, FindsRelNextAndResolvesAPathAgainstTheRequest) {
  std::string request = "http://127.0.0.1:5000/v2/_catalog?n=2";
  EXPECT_EQ(next_page_url(R"(</v2/_catalog?last=b&n=2>; rel="next")", request),
            "http://127.0.0.1:5000/v2/_catalog?last=b&n=2");
  EXPECT_EQ(next_page_url(R"(<https://r.example.com/v2/x/tags/list?last=9>; rel=next)", request),
            "https://r.example.com/v2/x/tags/list?last=9");
  EXPECT_EQ(next_page_url(R"(</a>; rel="prev", </b>; rel="first next")", request),
            "http://127.0.0.1:5000/b");
  EXPECT_EQ(next_page_url(R"(</a>; rel="prev")", request), std::nullopt);
  EXPECT_EQ(next_page_url("", request), std::nullopt);
  EXPECT_EQ(next_page_url("</unclosed; rel=\"next\"", request), std::nullopt);
}

class RegistryCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    STRATA_REQUIRE_REGISTRY_TOOLS(test::RegistryAuth::kNone);
    test::TestImage image;
    image.layers.push_back({test::TarWriter().add_file("a.txt", "hello\n").finish(),
                            test::TestCompression::kGzip, ""});
    image.ref_name = "latest";
    test::write_oci_layout(dir_.path() + "/layout", {image});
  }

  void push(RegistryServer& server, const std::string& repo_tag) {
    auto pushed = server.push("oci:" + dir_.path() + "/layout:latest", repo_tag);
    ASSERT_TRUE(pushed.ok) << repo_tag << ": " << pushed.output;
  }

  test::TempDir dir_;
};

TEST_F(RegistryCatalogTest, ListsEveryRepositoryAndTagAcrossPages) {
  RegistryServer server;
  std::vector<std::string> repos = {"team/api", "team/web", "tools/ci", "base", "team/worker"};
  for (const std::string& repo : repos) push(server, repo + ":1");
  for (const char* tag : {"2", "latest", "3.1", "edge"})
    push(server, std::string("team/api:") + tag);

  RemoteOptions options;
  auto catalog = RegistryCatalog::connect(server.host(), options, /*page_size=*/2);
  ASSERT_TRUE(catalog) << catalog.error().message;
  auto listed = (*catalog)->repositories();
  ASSERT_TRUE(listed) << listed.error().message;
  std::vector<std::string> expected = repos;
  std::ranges::sort(expected);
  EXPECT_EQ(*listed, expected);

  auto tags = (*catalog)->tags("team/api");
  ASSERT_TRUE(tags) << tags.error().message;
  std::vector<std::string> sorted = *tags;
  std::ranges::sort(sorted);
  EXPECT_EQ(sorted, (std::vector<std::string>{"1", "2", "3.1", "edge", "latest"}));
}

TEST_F(RegistryCatalogTest, CredentialsAreUsedAndAWrongPasswordIsAnErrorWithoutIt) {
  STRATA_REQUIRE_REGISTRY_TOOLS(test::RegistryAuth::kHtpasswd);
  std::string password = test::random_secret("cat-");
  RegistryServer server(test::htpasswd_auth({{"alice", password}}));
  push(server, "team/app:1");
  RemoteOptions options;
  options.credentials.explicit_credentials = Credentials{"alice", password};
  auto catalog = RegistryCatalog::connect(server.host(), options);
  ASSERT_TRUE(catalog);
  auto listed = (*catalog)->repositories();
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(*listed, std::vector<std::string>{"team/app"});

  std::string wrong = test::random_secret("wrong-");
  options.credentials.explicit_credentials = Credentials{"alice", wrong};
  auto refused = RegistryCatalog::connect(server.host(), options);
  ASSERT_TRUE(refused);
  auto denied = (*refused)->repositories();
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message.find("401"), std::string::npos) << denied.error().message;
  EXPECT_EQ(denied.error().message.find(wrong), std::string::npos);
  EXPECT_NE(denied.error().message.find("--images-from"), std::string::npos);
}

}  // namespace
}  // namespace strata
