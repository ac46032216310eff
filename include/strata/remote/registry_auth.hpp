// RegistryAuth: the Authorization header for one registry, from its WWW-Authenticate challenge.
//
//   RegistryAuth auth(http, "127.0.0.1:5000", credentials);   // credentials may be nullopt
//   auth.set_scope("repository:team/app:pull");
//   http.open({.url = …, .auth = &auth});
//
// Basic challenges answer with the credentials. Bearer challenges fetch a token from the
// realm (GET with service and scope, Basic credentials when there are any; POST with
// grant_type=refresh_token for an identity token), anonymous when there are no credentials.
// Tokens are kept per scope and fetched again when expires_in runs out (renewed 10% of their
// lifetime early, at most 10 s) or the registry answers 401 again (a long scan outlives a
// 5-minute token). A token answer without expires_in lasts 60 s, as the distribution spec says.
// A challenge's scope replaces the one set (the registry knows what it wants). Requests on
// several threads share one fetch per scope: a thread whose 401 answered an older token than
// the current one retries with the current one.
//
// Errors: "registry 127.0.0.1:5000: token server http://…/token answered 401 for
// repository:team/app:pull (credentials from ~/.docker/config.json)"; a Basic challenge without
// credentials, Basic credentials refused, a token refused right after it was issued (no
// access), an unsupported scheme. Tokens, passwords and Authorization headers never appear in
// errors or logs.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/net/http_client.hpp"
#include "strata/remote/credentials.hpp"

namespace strata {

// One challenge of a WWW-Authenticate header: scheme ("bearer", "basic": lower-cased) and its
// parameters (names lower-cased; quoted values unescaped; a token68 is a parameter with an
// empty name).
struct AuthChallenge {
  std::string scheme;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> param(std::string_view name) const;  // case-insensitive
};

class RegistryAuth final : public net::Authorizer {
 public:
  RegistryAuth(net::HttpClient& http, std::string registry, std::optional<Credentials> credentials);
  ~RegistryAuth() override;

  // The scope tokens are asked for ("repository:NAME:pull").
  void set_scope(std::string scope);

  Result<std::string> header_for(const std::string& url) override;
  Result<bool> on_unauthorized(const std::string& url, const net::HttpResponse& response) override;

 private:
  struct State;
  Result<bool> on_basic(const AuthChallenge& challenge);
  Result<bool> on_bearer(const AuthChallenge& challenge);
  Result<std::string> renew_token(const std::string& scope, uint64_t seen_generation);

  net::HttpClient& http_;
  std::string registry_;
  std::optional<Credentials> credentials_;
  std::unique_ptr<State> state_;
};

// Every challenge of one header value (RFC 7235: comma-separated, quoted strings).
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

}  // namespace strata
