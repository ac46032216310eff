#include "credential_helper.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "quoted.hpp"

namespace strata {
namespace {

constexpr size_t kMaxAnswer = 64 << 10;
// What docker-credential-helpers print (on stdout, exit 1) when they hold nothing for the server.
constexpr std::string_view kNotFound = "credentials not found";
constexpr std::string_view kTokenUsername = "<token>";

bool valid_helper_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// {"Username": …, "Secret": …}; nullopt when both are empty.
Result<std::optional<Credentials>> parse_answer(const std::string& out, const std::string& origin) {
  auto answer = nlohmann::json::parse(out, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) return fail("answer is not a JSON object");
  auto text = [&](const char* name) -> std::optional<std::string> {
    auto it = answer.find(name);
    if (it == answer.end() || it->is_null()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto username = text("Username");
  auto secret = text("Secret");
  if (!username || !secret) return fail("answer's Username or Secret is not a string");
  if (username->empty() && secret->empty()) return std::optional<Credentials>();
  Credentials creds;
  creds.origin = origin;
  if (*username == kTokenUsername) {
    creds.identity_token = std::move(*secret);
  } else {
    creds.username = std::move(*username);
    creds.password = std::move(*secret);
  }
  return creds;
}

}  // namespace

Result<std::optional<Credentials>> run_credential_helper(const std::string& name,
                                                         const std::string& server_url,
                                                         std::chrono::milliseconds timeout,
                                                         const std::string& context) {
  std::string program = "docker-credential-" + name;
  std::string origin = "credential helper " + program + " (" + context + ")";
  if (!valid_helper_name(name)) {
    return fail("invalid credential helper name " + quoted(name, 100) + " (" + context + ")");
  }
  auto run = run_child({program, "get"}, server_url, timeout, kMaxAnswer);
  if (!run) return fail(run.error().with_context("credential helper (" + context + ")"));
  if (run->exit_status != 0) {
    if (run->out.find(kNotFound) != std::string::npos) return std::optional<Credentials>();
    // Its output is not quoted: a failing helper may still print a secret.
    return fail(origin + ": `get` for " + server_url + " failed with exit status " +
                std::to_string(run->exit_status));
  }
  auto creds = parse_answer(run->out, origin);
  if (!creds) return fail(creds.error().with_context(origin));
  return creds;
}

}  // namespace strata
