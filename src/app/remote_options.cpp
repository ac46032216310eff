#include "remote_options.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <iterator>

namespace strata::app {

void add_remote_options(CLI::App& scan, RemoteCommandOptions& o) {
  const char* group = "Registries and daemons";
  scan.add_flag("--plain-http", o.plain_http,
                "Talk plain HTTP to the registry (loopback registries get it without asking)")
      ->group(group);
  scan.add_option("--ca-file", o.ca_file,
                  "Trust the registry certificates signed by this PEM bundle (default: the "
                  "system store)")
      ->type_name("FILE")
      ->check(CLI::ExistingFile)
      ->group(group);
  scan.add_option("--retries", o.retries,
                  "Retries of a failed request (connection errors, 429, 5xx), with backoff")
      ->check(CLI::Range(0, 20))
      ->capture_default_str()
      ->group(group);
  scan.add_option("--timeout", o.timeout_seconds,
                  "Seconds a registry or daemon connection may stall before it is retried")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str()
      ->group(group);
  scan.add_option("--username", o.username,
                  "Registry user name (with --password-stdin); overrides stored credentials")
      ->group(group);
  scan.add_flag("--password-stdin", o.password_stdin,
                "Read the registry password or token for --username from stdin")
      ->group(group);
}

namespace {

// The first line of stdin, without its line ending (echo "$PASS" | strata scan …).
std::string read_password_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Result<RemoteOptions> remote_options_for(const RemoteCommandOptions& o, const std::string& target) {
  RemoteOptions options;
  options.plain_http = o.plain_http;
  options.ca_file = o.ca_file;
  options.retries = o.retries;
  options.timeout =
      std::chrono::milliseconds(static_cast<int64_t>(o.timeout_seconds * 1000.0 + 0.5));
  if (o.password_stdin && o.username.empty()) return fail("--password-stdin needs --username");
  if (!o.username.empty() && !o.password_stdin) {
    return fail("--username needs --password-stdin (a password is never taken as an argument)");
  }
  if (o.password_stdin && target == "-") {
    return fail("--password-stdin: stdin cannot carry both the image and the password");
  }
  if (o.password_stdin) {
    std::string password = read_password_line();
    if (password.empty()) return fail("--password-stdin: no password on stdin");
    options.credentials.explicit_credentials = Credentials{
        .username = o.username, .password = password, .identity_token = "", .origin = "--username"};
  }
  return options;
}

}  // namespace strata::app
