// fetch_token: one bearer token from a registry's token server (the realm of its challenge),
// as the distribution token spec describes.
//
//   auto token = fetch_token(http, {.registry = "127.0.0.1:5000", .realm = "http://…/token",
//                                   .service = "fixture-registry",
//                                   .scope = "repository:team/app:pull", .credentials = &creds});
//
// With an identity token: POST grant_type=refresh_token (client_id=strata). Otherwise GET with
// service and scope, Basic credentials when there are a username and password, anonymous when
// there are none. The answer's "access_token" (else "token") and "expires_in" (60 s when
// absent or not positive).
//
// Errors: "registry R: token server http://…/token answered 401 for SCOPE (credentials from
// ORIGIN)" — the realm without query string, never a token or password.
// Thread safety: may be called from several threads at once.
#pragma once

#include <chrono>
#include <string>

#include "strata/core/result.hpp"
#include "strata/net/http_client.hpp"
#include "strata/remote/credentials.hpp"

namespace strata {

struct TokenRequest {
  std::string registry;  // for messages
  std::string realm;
  std::string service;
  std::string scope;                         // may be empty (a token for /v2/ only)
  const Credentials* credentials = nullptr;  // nullptr: anonymous
};

struct BearerToken {
  std::string value;
  std::chrono::seconds expires_in{60};
};

[[nodiscard]] Result<BearerToken> fetch_token(net::HttpClient& http, const TokenRequest& request);

// Where credentials come from, for messages: "credentials from ~/.docker/config.json" or
// "anonymous".
std::string credentials_note(const Credentials* credentials);

// "Basic " + base64(user:password), or "" when there is no username and password.
std::string basic_header(const Credentials* credentials);

}  // namespace strata
