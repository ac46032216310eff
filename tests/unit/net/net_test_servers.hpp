// Servers and helpers shared by the net tests: the static file server and the fault proxy
// from tests/support, started as subprocesses on free loopback ports, a generated blob, a
// fixture whose suite shares one server of it, a counting Authorizer, and a reader that drains
// a ByteStream.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "strata/core/byte_stream.hpp"
#include "strata/core/digest.hpp"
#include "strata/net/http_client.hpp"
#include "support/python_server.hpp"
#include "support/skip_or_fail.hpp"
#include "support/test_env.hpp"

namespace strata::net::test {

using strata::test::have_python;
using strata::test::kPython;
using strata::test::Subprocess;

// A python3 test server from tests/support, with the port(s) it printed.
struct TestServer {
  std::unique_ptr<Subprocess> process;
  int port = 0;
  int second_port = 0;  // the fault proxy's clean second port

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::string second_url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(second_port) + path;
  }
};

inline TestServer start_server(const std::string& script, std::vector<std::string> args,
                               const std::vector<std::string>& env = {}) {
  strata::test::PythonServer started = strata::test::start_python_server(script, args, env);
  TestServer server;
  server.process = std::move(started.process);
  if (std::sscanf(started.first_line.c_str(), "%d %d", &server.port, &server.second_port) < 1) {
    throw std::runtime_error(script + " did not print its port");
  }
  return server;
}

// Deterministic bytes of every value (a file no simple bug reproduces by accident).
inline std::string generated_bytes(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (auto& b : bytes) b = static_cast<char>(random() & 0xff);
  return bytes;
}

// A directory holding blob.bin (3 MiB: more than the stream's 1 MiB buffer), served by
// static_file_server.py.
struct Upstream {
  strata::test::TempDir dir;
  std::string blob = generated_bytes(3 * 1024 * 1024 + 17, 7);
  TestServer server;

  explicit Upstream(std::vector<std::string> extra_args = {},
                    const std::vector<std::string>& env = {}) {
    strata::test::write_file(dir.path() + "/blob.bin", blob);
    extra_args.insert(extra_args.begin(), {"--root", dir.path()});
    server = start_server("static_file_server.py", extra_args, env);
  }
};

// The fault proxy in front of `upstream` with these fault options.
inline TestServer start_proxy(const TestServer& upstream, std::vector<std::string> args) {
  args.insert(args.begin(), {"--upstream", upstream.url("")});
  return start_server("fault_proxy.py", args);
}

// Quick retries so that fault tests take fractions of a second.
inline HttpOptions fast_options(int retries = 3) {
  HttpOptions options;
  options.retries = retries;
  options.timeout = std::chrono::seconds(5);
  options.backoff_base = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(50);
  return options;
}

// The whole stream read `chunk` bytes at a time, or its error.
inline Result<std::string> drain(ByteStream& stream, size_t chunk, std::string* partial = nullptr) {
  std::string out;
  std::vector<char> buffer(chunk);
  for (;;) {
    auto n = stream.read(buffer.data(), buffer.size());
    if (!n) {
      if (partial) *partial = out;
      return fail(n.error());
    }
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

// A suite whose tests share one Upstream (started by its first test, stopped after its last);
// skipped (failed in CI) without python3.
class UpstreamTest : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { upstream_.reset(); }
  void SetUp() override {
    if (!have_python()) STRATA_SKIP_OR_FAIL() << kPython << " not installed";
    if (!upstream_) upstream_ = std::make_unique<Upstream>();
  }

  // Streams `request`, reading `chunk` bytes at a time, and expects the served blob exactly.
  static void expect_blob(HttpClient& client, const HttpRequest& request, size_t chunk = 65536) {
    auto stream = client.open(request);
    ASSERT_TRUE(stream) << stream.error().message;
    auto body = drain(**stream, chunk);
    ASSERT_TRUE(body) << body.error().message;
    EXPECT_EQ(body->size(), upstream_->blob.size());
    EXPECT_EQ(sha256_of(*body).str(), sha256_of(upstream_->blob).str());
  }

  static inline std::unique_ptr<Upstream> upstream_;
};

// The fault proxy's counters (GET /__stats on its second port).
inline nlohmann::json proxy_stats(const TestServer& proxy) {
  HttpClient client(fast_options());
  auto response = client.fetch({.url = proxy.second_url("/__stats")}, 1 << 16);
  if (!response || response->first.status != 200) throw std::runtime_error("no proxy stats");
  return nlohmann::json::parse(response->second);
}

// Hands out `first` until a 401, then `after_refresh`; counts the calls.
class CountingAuthorizer : public Authorizer {
 public:
  CountingAuthorizer(std::string first, std::string after_refresh)
      : current_(std::move(first)), after_refresh_(std::move(after_refresh)) {}

  Result<std::string> header_for(const std::string& url) override {
    std::lock_guard lock(mutex_);
    ++header_calls;
    return current_;
  }
  Result<bool> on_unauthorized(const std::string& url, const HttpResponse& response) override {
    std::lock_guard lock(mutex_);
    ++unauthorized_calls;
    last_challenge = response.header("www-authenticate").value_or("");
    current_ = after_refresh_;
    return true;
  }

  int header_calls = 0;
  int unauthorized_calls = 0;
  std::string last_challenge;

 private:
  std::mutex mutex_;
  std::string current_;
  std::string after_refresh_;
};

// "Bearer <random hex>": a fake token made at run time.
inline std::string fake_bearer() {
  return strata::test::random_secret(std::string("Bea") + "rer ");
}

}  // namespace strata::net::test
