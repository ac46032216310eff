// RegistryAuth: the Authorization header for one registry, from its WWW-Authenticate challenge.
//
//   RegistryAuth auth(http, "127.0.0.1:5000", credentials);   // credentials may be nullopt
//   auth.set_scope("repository:team/app:pull");
//   http.open({.url = …, .auth = &auth});
//
// Basic challenges answer with the credentials. Bearer challenges fetch a token from the
// realm (GET with service and scope, Basic credentials when there are any; POST with
// grant_type=refresh_token for an identity token), anonymous when there are no credentials.
// Tokens are kept per scope and fetched again when expires_in runs out or the registry answers
// 401 again (a long scan outlives a 5-minute token). A token answer without expires_in lasts
// 60 s, as the distribution spec says.
//
// Errors: "registry 127.0.0.1:5000: token server http://…/token answered 401 for
// repository:team/app:pull (credentials from ~/.docker/config.json)". Tokens, passwords and
// Authorization headers never appear in errors or logs.
//
// Thread safety: every member may be called from several threads at once.
#pragma once

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
  net::HttpClient& http_;
  std::string registry_;
  std::optional<Credentials> credentials_;
  std::unique_ptr<State> state_;
};

// One challenge of a WWW-Authenticate header: scheme ("bearer", "basic": lower-cased) and its
// parameters (names lower-cased; quoted values unescaped).
struct AuthChallenge {
  std::string scheme;
  std::vector<std::pair<std::string, std::string>> params;
  std::optional<std::string> param(std::string_view name) const;
};
// Every challenge of one header value (RFC 7235: comma-separated, quoted strings).
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

}  // namespace strata
