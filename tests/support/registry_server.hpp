// Test support: a real registry on 127.0.0.1 for one test suite. RegistryServer runs Debian's
// `docker-registry serve` (distribution 2.8) on a free port with its storage in a private
// temporary directory, without auth, behind htpasswd basic auth, or behind bearer-token auth
// served by tests/support/token_server.py (RS256 JWTs from a fresh openssl key), over plain
// HTTP or HTTPS (a certificate for 127.0.0.1 from a private CA made for the server), and
// pushes images into it with skopeo.
//
//   STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kToken);     // skip (fail in CI) if missing
//   RegistryServerOptions options = token_auth({{"alice", password}});
//   options.token_ttl_seconds = 5;
//   RegistryServer reg(options);
//   PushResult p = reg.push("oci:" + dir + ":latest", "team/app:1");  // as alice
//   ASSERT_TRUE(p.ok) << p.output;
//   scan("docker://" + reg.host() + "/team/app:1");
//   EXPECT_EQ(reg.token_stats()["tokens_by_scope"]["repository:team/app:pull"], 1);
//
// The constructor returns once /v2/ answers (about 0.1 s; token auth adds an RSA key, about
// 0.3 s) and throws std::runtime_error naming what failed, with the server's log, when a
// server does not start. The servers run as support/subprocess.hpp children: the destructor stops
// them (SIGTERM, then SIGKILL after a grace period) and reaps them; they also get SIGTERM if the
// test process dies (SubprocessOptions::death_signal, of the thread that made them). Passwords
// reach htpasswd, the token server and skopeo through files in the server's private directory,
// never a command line.
//
// Thread safety: one object per suite; its const members may be called from several threads.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/skip_or_fail.hpp"
#include "support/subprocess.hpp"
#include "support/test_env.hpp"

namespace strata::test {

enum class RegistryAuth { kNone, kHtpasswd, kToken };

struct RegistryUser {
  std::string name;
  std::string password;
};

struct RegistryServerOptions {
  RegistryAuth auth = RegistryAuth::kNone;
  std::vector<RegistryUser> users;  // htpasswd and token auth; pushes use the first
  bool tls = false;                 // HTTPS, with a certificate that only ca_file() vouches for
  bool access_log = false;          // the registry logs every request (registry_log())
  // Token auth only (token_server.py: see its docstring).
  bool anonymous_pull = false;              // anonymous clients get pull tokens
  int token_ttl_seconds = 300;              // tokens stop working this long after issue
  std::vector<std::string> token_acl;       // "USER=REPO_GLOB:ACTIONS" (default: all repos)
  std::vector<std::string> refresh_tokens;  // "TOKEN=USER": accepted refresh tokens
  // More token_server.py flags, e.g. {"--token-field", "access_token"} or {"--no-expires-in"}.
  std::vector<std::string> token_server_args;
};

// Shorthands for the options of an auth kind with these users (the other fields default).
RegistryServerOptions htpasswd_auth(std::vector<RegistryUser> users);
RegistryServerOptions token_auth(std::vector<RegistryUser> users);

struct PushOptions {
  std::string format;                 // "" (keep the source's), "v2s2", "v2s1" or "oci"
  bool all = false;                   // --all: an index and every manifest it lists
  bool preserve_digests = true;       // else skopeo may (re)compress or reuse cached blobs
  std::optional<RegistryUser> creds;  // default: the server's first user, if any
  bool anonymous = false;             // push without credentials even when the server has users
  int timeout_seconds = 120;
};

struct PushResult {
  bool ok = false;
  std::string digest;  // manifest digest the tag now points at
  std::string output;  // skopeo's stdout and stderr
};

// "" when `name` is an executable on PATH (or an absolute path to one), else its name.
std::string missing_executable(const std::string& name);

class RegistryServer {
 public:
  explicit RegistryServer(RegistryServerOptions options = {});
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  // The tools `auth` needs (docker-registry, skopeo; htpasswd; openssl and python3) that are
  // missing, comma-separated; "" when all are installed. TLS also needs openssl.
  static std::string missing_tools(RegistryAuth auth, bool tls = false);

  std::string host() const;  // "127.0.0.1:PORT"
  std::string url() const;   // "http://127.0.0.1:PORT" ("https://…" with tls)
  // With tls: the PEM file of the CA that signed the server's certificate (SANs 127.0.0.1 and
  // localhost); "" otherwise. http_request() speaks plain HTTP only: use curl for HTTPS.
  std::string ca_file() const;
  const RegistryServerOptions& options() const { return options_; }

  // Token auth: "http://127.0.0.1:PORT" of the token server ("" otherwise); the realm in the
  // registry's challenges is token_server_url() + "/token", the service "strata-test-registry".
  std::string token_server_url() const;
  static constexpr const char* kTokenService = "strata-test-registry";
  // token_server.py's GET /__stats: tokens_issued, tokens_by_scope {"repository:x:pull": n},
  // rejections, rejections_by_reason, password_grants, refresh_grants, anonymous_tokens. Null
  // without token auth or when the server does not answer.
  nlohmann::json token_stats() const;
  void reset_token_stats() const;

  // skopeo copy SOURCE docker://HOST/REPO_TAG. SOURCE is a skopeo transport reference:
  // "oci:DIR:TAG", "docker-archive:FILE", "oci-archive:FILE".
  PushResult push(const std::string& source, const std::string& repo_tag,
                  const PushOptions& options = {}) const;

  // The registry's own log (warnings and errors; with access_log, a line per request), for
  // failure messages.
  std::string registry_log() const;

  // With access_log: the blobs the registry served (GET answered 200) since the log had
  // `from_offset` bytes, as digest -> bytes sent, once per GET.
  std::vector<std::pair<std::string, uint64_t>> blob_gets(size_t from_offset = 0) const;

  // Stops the servers now (idempotent); later requests fail to connect.
  void stop();

 private:
  void make_htpasswd_file();
  void make_tls_files();
  void start_token_server();
  bool start_registry(int port);
  std::string config_yaml(int port) const;

  RegistryServerOptions options_;
  TempDir dir_;
  int port_ = 0;
  int token_port_ = 0;
  std::unique_ptr<Subprocess> registry_;
  std::unique_ptr<Subprocess> token_server_;
};

}  // namespace strata::test

// Skips the test (fails it in CI) when a tool the registry fixture needs is not installed.
// Arguments: those of RegistryServer::missing_tools (auth[, tls]).
#define STRATA_REQUIRE_REGISTRY_TOOLS(...)                                                     \
  if (std::string strata_missing = ::strata::test::RegistryServer::missing_tools(__VA_ARGS__); \
      !strata_missing.empty())                                                                 \
  STRATA_SKIP_OR_FAIL() << "registry fixture: not installed: " << strata_missing
