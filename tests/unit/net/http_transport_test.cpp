// Transports: HTTPS trusted through options.ca_file (and refused without it, not retried), and
// HTTP over a unix socket (options.unix_socket, as the Docker and Podman APIs listen).
#include <gtest/gtest.h>

#include <cstdlib>

#include "net_test_servers.hpp"
#include "strata/core/digest.hpp"
#include "support/python_server.hpp"
#include "support/skip_or_fail.hpp"

namespace strata::net::test {
namespace {

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " not installed";
  }
  strata::test::TempDir dir_;
  std::string blob_ = generated_bytes(2 * 1024 * 1024 + 5, 11);
};

// A self-signed certificate for 127.0.0.1 made by the openssl tool; false when it is missing.
bool make_certificate(const std::string& cert, const std::string& key) {
  std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

TEST_F(TransportTest, HttpsTrustsTheCaFileAndOnlyThat) {
  std::string cert = dir_.path() + "/cert.pem", key = dir_.path() + "/key.pem";
  if (!make_certificate(cert, key)) STRATA_SKIP_OR_FAIL() << "openssl cannot make a certificate";
  strata::test::write_file(dir_.path() + "/root/blob.bin", blob_);
  TestServer server = start_server("static_file_server.py", {"--root", dir_.path() + "/root",
                                                             "--tls-cert", cert, "--tls-key", key});
  std::string url = "https://127.0.0.1:" + std::to_string(server.port) + "/blob.bin";

  HttpOptions trusting = fast_options();
  trusting.ca_file = cert;
  HttpClient client(trusting);
  auto stream = client.open({.url = url});
  ASSERT_TRUE(stream) << stream.error().message;
  auto body = drain(**stream, 65536);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(sha256_of(*body).str(), sha256_of(blob_).str());

  HttpClient system_store(fast_options(3));
  auto refused = system_store.fetch({.url = url}, 1 << 16);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().message.starts_with("GET " + url + ": ")) << refused.error().message;
  EXPECT_NE(refused.error().message.find("certificate"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("attempts"), std::string::npos)  // not retried
      << refused.error().message;
}

TEST_F(TransportTest, UnixSocketCarriesTheRequests) {
  std::string socket = dir_.path() + "/api.sock";
  strata::test::write_file(dir_.path() + "/root/images/app/get", blob_);
  auto server = strata::test::start_python_server(
      "static_file_server.py",
      {"--error-style", "docker", "--root", dir_.path() + "/root", "--unix-socket", socket});
  ASSERT_EQ(server.first_line, socket);

  HttpOptions options = fast_options();
  options.unix_socket = socket;
  HttpClient client(options);
  auto stream = client.open({.url = "http://localhost/images/app/get"});
  ASSERT_TRUE(stream) << stream.error().message;
  auto body = drain(**stream, 65536);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(sha256_of(*body).str(), sha256_of(blob_).str());

  auto missing = client.open({.url = "http://localhost/images/other/get"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "GET http://localhost/images/other/get: HTTP 404 (No such image: images/other/get)");
}

}  // namespace
}  // namespace strata::net::test
