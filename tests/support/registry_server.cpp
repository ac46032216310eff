#include "support/registry_server.hpp"

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "strata/core/base64.hpp"
#include "support/python_server.hpp"
#include "support/registry_http.hpp"

namespace strata::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kTokenIssuer = "strata-test-token-issuer";
constexpr int kStartAttempts = 5;  // another process may take the port we picked
constexpr int kReadyTimeoutMs = 20000;

// stderr appended to `log`; SIGTERM if the thread that made the server dies, so a crashed or
// killed test leaves no servers behind.
SubprocessOptions logged(const std::string& log) {
  SubprocessOptions options;
  options.stderr_file = log;
  options.death_signal = SIGTERM;
  return options;
}

std::string tail(const std::string& text, size_t max = 3000) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

RegistryServerOptions htpasswd_auth(std::vector<RegistryUser> users) {
  RegistryServerOptions o;
  o.auth = RegistryAuth::kHtpasswd;
  o.users = std::move(users);
  return o;
}

RegistryServerOptions token_auth(std::vector<RegistryUser> users) {
  RegistryServerOptions o = htpasswd_auth(std::move(users));
  o.auth = RegistryAuth::kToken;
  return o;
}

std::string missing_executable(const std::string& name) {
  return find_executable(name).empty() ? name : "";
}

std::string RegistryServer::missing_tools(RegistryAuth auth, bool tls) {
  std::vector<std::string> needed = {"docker-registry", "skopeo"};
  if (auth == RegistryAuth::kHtpasswd) needed.push_back("htpasswd");
  if (auth == RegistryAuth::kToken) needed.insert(needed.end(), {"openssl", kPython});
  if (tls && auth != RegistryAuth::kToken) needed.push_back("openssl");
  std::vector<std::string> missing;
  for (const std::string& tool : needed) {
    if (!missing_executable(tool).empty()) missing.push_back(tool);
  }
  return join(missing, ", ");
}

RegistryServer::RegistryServer(RegistryServerOptions options) : options_(std::move(options)) {
  if (std::string missing = missing_tools(options_.auth, options_.tls); !missing.empty()) {
    throw std::runtime_error("RegistryServer: not installed: " + missing);
  }
  if (options_.auth != RegistryAuth::kNone && options_.users.empty()) {
    throw std::runtime_error("RegistryServer: htpasswd and token auth need at least one user");
  }
  try {
    if (options_.tls) make_tls_files();
    if (options_.auth == RegistryAuth::kHtpasswd) make_htpasswd_file();
    if (options_.auth == RegistryAuth::kToken) start_token_server();
    for (int attempt = 0; attempt < kStartAttempts && port_ == 0; ++attempt) {
      int port = free_loopback_port();
      if (port > 0 && start_registry(port)) port_ = port;
    }
    if (port_ == 0) {
      throw std::runtime_error("RegistryServer: docker-registry did not start; its log:\n" +
                               tail(registry_log()));
    }
  } catch (...) {
    stop();
    throw;
  }
}

RegistryServer::~RegistryServer() { stop(); }

void RegistryServer::stop() {
  registry_.reset();
  token_server_.reset();
}

std::string RegistryServer::host() const { return "127.0.0.1:" + std::to_string(port_); }
std::string RegistryServer::url() const { return (options_.tls ? "https://" : "http://") + host(); }

std::string RegistryServer::ca_file() const {
  return options_.tls ? dir_.path() + "/tls-ca.pem" : "";
}

std::string RegistryServer::token_server_url() const {
  return token_port_ ? "http://127.0.0.1:" + std::to_string(token_port_) : "";
}

std::string RegistryServer::registry_log() const {
  return read_file(dir_.path() + "/registry.log");
}

// Access log lines are Apache's combined format: … "GET /v2/NAME/blobs/DIGEST HTTP/1.1" 200 BYTES …
std::vector<std::pair<std::string, uint64_t>> RegistryServer::blob_gets(size_t from_offset) const {
  static const std::regex line(
      R"re("GET /v2/\S+/blobs/(sha256:[0-9a-f]{64}) HTTP/[0-9.]+" 200 (\d+))re");
  std::string log = registry_log();
  std::vector<std::pair<std::string, uint64_t>> out;
  std::string tail = from_offset < log.size() ? log.substr(from_offset) : "";
  for (std::sregex_iterator it(tail.begin(), tail.end(), line), end; it != end; ++it) {
    out.emplace_back((*it)[1].str(), std::stoull((*it)[2].str()));
  }
  return out;
}

nlohmann::json RegistryServer::token_stats() const {
  if (!token_port_) return nullptr;
  HttpReply r = http_request("GET", token_server_url() + "/__stats");
  if (r.status != 200) return nullptr;
  return nlohmann::json::parse(r.body, nullptr, false);
}

void RegistryServer::reset_token_stats() const {
  if (token_port_) http_request("POST", token_server_url() + "/__reset");
}

void RegistryServer::make_htpasswd_file() {
  const std::string path = dir_.path() + "/htpasswd", secret = dir_.path() + "/password";
  for (const RegistryUser& u : options_.users) {
    // -B: bcrypt, the only hash distribution accepts; -i: the password from stdin; -c creates
    // the file for the first user.
    std::vector<std::string> argv = {"htpasswd", "-iB"};
    if (&u == &options_.users.front()) argv.push_back("-c");
    argv.insert(argv.end(), {path, u.name});
    write_file(secret, u.password);
    CommandResult r = run_command(argv, 60, secret);
    std::filesystem::remove(secret);
    if (r.exit_code != 0) {
      throw std::runtime_error("RegistryServer: htpasswd failed for user " + u.name);
    }
  }
}

// A private CA and a server certificate it signs for 127.0.0.1 and localhost (EC keys: fast).
void RegistryServer::make_tls_files() {
  const std::string d = dir_.path() + "/tls-";
  write_file(d + "ext.cnf",
             "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
             "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                       "-nodes"};
  std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-keyout", d + "ca.key", "-out", d + "ca.pem", "-days", "2",
       "-subj", "/CN=strata-test-ca", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
       "keyUsage=critical,keyCertSign,cRLSign"},
      {"openssl", "req", "-keyout", d + "server.key", "-out", d + "server.csr", "-subj",
       "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", d + "server.csr", "-CA", d + "ca.pem", "-CAkey",
       d + "ca.key", "-CAcreateserial", "-out", d + "server.pem", "-days", "2", "-extfile",
       d + "ext.cnf"},
  };
  steps[0].insert(steps[0].begin() + 3, ec.begin(), ec.end());
  steps[1].insert(steps[1].begin() + 2, ec.begin(), ec.end());
  for (const std::vector<std::string>& argv : steps) {
    CommandResult r = run_command(argv, 60);
    if (r.exit_code != 0) {
      throw std::runtime_error("RegistryServer: openssl could not make the TLS files:\n" +
                               tail(r.output));
    }
  }
}

void RegistryServer::start_token_server() {
  const std::string key = dir_.path() + "/token-key.pem", cert = dir_.path() + "/token-cert.pem";
  CommandResult keygen =
      run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                   "-out", cert, "-days", "2", "-subj", std::string("/CN=") + kTokenIssuer},
                  120);
  if (keygen.exit_code != 0) {
    throw std::runtime_error("RegistryServer: openssl could not make the token key:\n" +
                             tail(keygen.output));
  }
  std::string users;
  for (const RegistryUser& u : options_.users) users += u.name + ":" + u.password + "\n";
  const std::string users_file = dir_.path() + "/token-users";
  write_file(users_file, users);
  std::vector<std::string> args = {"--key",        key,
                                   "--issuer",     kTokenIssuer,
                                   "--service",    kTokenService,
                                   "--users-file", users_file,
                                   "--ttl",        std::to_string(options_.token_ttl_seconds)};
  if (options_.anonymous_pull) args.push_back("--anonymous-pull");
  for (const std::string& acl : options_.token_acl) args.insert(args.end(), {"--acl", acl});
  for (const std::string& t : options_.refresh_tokens) {
    args.insert(args.end(), {"--refresh-token", t});
  }
  args.insert(args.end(), options_.token_server_args.begin(), options_.token_server_args.end());
  const std::string log = dir_.path() + "/token-server.log";
  try {
    PythonServer started = start_python_server("token_server.py", args, {}, logged(log));
    token_server_ = std::move(started.process);
    token_port_ = std::atoi(started.first_line.c_str());
  } catch (const std::runtime_error&) {
    token_port_ = 0;
  }
  if (token_port_ <= 0) {
    throw std::runtime_error("RegistryServer: token_server.py did not start; its log:\n" +
                             tail(read_file(dir_.path() + "/token-server.log")));
  }
}

std::string RegistryServer::config_yaml(int port) const {
  const std::string& d = dir_.path();
  std::ostringstream y;
  y << "version: 0.1\n"
    << "log:\n  level: warn\n  accesslog:\n    disabled: "
    << (options_.access_log ? "false" : "true") << "\n"
    << "storage:\n  filesystem:\n    rootdirectory: " << d << "/storage\n"
    << "  delete:\n    enabled: true\n"
    << "http:\n  addr: 127.0.0.1:" << port << "\n  secret: " << random_secret("") << "\n";
  if (options_.tls) {
    y << "  tls:\n    certificate: " << d << "/tls-server.pem\n    key: " << d
      << "/tls-server.key\n";
  }
  // Manifests may list non-distributable layers with URLs (2.8 refuses them otherwise), and
  // schema 1 manifests may be pushed (2.8 refuses them otherwise), for the tests that check
  // clients refuse them.
  y << "validation:\n  manifests:\n    urls:\n      allow:\n        - ^https?://\n"
    << "compatibility:\n  schema1:\n    enabled: true\n";
  if (options_.auth == RegistryAuth::kHtpasswd) {
    y << "auth:\n  htpasswd:\n    realm: strata-test-realm\n    path: " << d << "/htpasswd\n";
  } else if (options_.auth == RegistryAuth::kToken) {
    y << "auth:\n  token:\n    realm: " << token_server_url()
      << "/token\n    service: " << kTokenService << "\n    issuer: " << kTokenIssuer
      << "\n    rootcertbundle: " << d << "/token-cert.pem\n";
  }
  return y.str();
}

// Starts docker-registry on `port` and waits until /v2/ answers; false (process reaped) when
// it exits first, e.g. because another process took the port meanwhile. A TLS registry answers
// the plain HTTP request too (Go's 400 "Client sent an HTTP request to an HTTPS server").
bool RegistryServer::start_registry(int port) {
  std::string config = dir_.path() + "/config.yml";
  write_file(config, config_yaml(port));
  const std::string log = dir_.path() + "/registry.log";
  SubprocessOptions options = logged(log);
  options.stdout_file = log;
  registry_ =
      std::make_unique<Subprocess>(std::vector<std::string>{"docker-registry", "serve", config},
                                   std::vector<std::string>{}, options);
  std::string v2 = "http://127.0.0.1:" + std::to_string(port) + "/v2/";
  auto deadline = Clock::now() + milliseconds(kReadyTimeoutMs);
  while (Clock::now() < deadline && !registry_->has_exited()) {
    if (http_request("GET", v2, {}, "", 1000).status != 0) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  registry_.reset();
  return false;
}

PushResult RegistryServer::push(const std::string& source, const std::string& repo_tag,
                                const PushOptions& options) const {
  TempDir io;
  const std::string digest_file = io.path() + "/digest";
  std::vector<std::string> argv = {"skopeo", "copy", "--dest-tls-verify=false", "--digestfile",
                                   digest_file};
  if (options.preserve_digests) argv.push_back("--preserve-digests");
  std::optional<RegistryUser> creds = options.creds;
  if (!creds && !options.anonymous && !options_.users.empty()) creds = options_.users.front();
  if (creds) {
    // An auth file, as `skopeo login` writes it: the password stays off the command line.
    const std::string auth_file = io.path() + "/auth.json";
    nlohmann::json auths;
    auths["auths"][host()]["auth"] = base64_encode(creds->name + ":" + creds->password);
    write_file(auth_file, auths.dump());
    argv.insert(argv.end(), {"--dest-authfile", auth_file});
  } else {
    argv.push_back("--dest-no-creds");  // not even what a login left on this machine
  }
  if (!options.format.empty()) argv.insert(argv.end(), {"--format", options.format});
  if (options.all) argv.push_back("--all");
  argv.insert(argv.end(), {source, "docker://" + host() + "/" + repo_tag});
  CommandResult r = run_command(argv, options.timeout_seconds);
  PushResult result;
  result.ok = r.exit_code == 0;
  result.output = "skopeo copy " + source + " " + repo_tag + ": " + r.output;
  if (result.ok) {
    std::string digest = read_file(digest_file);
    result.digest = digest.substr(0, digest.find_first_of(" \r\n"));
  }
  return result;
}

}  // namespace strata::test
