#include "token_fetch.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "percent_encode.hpp"
#include "strata/core/base64.hpp"

namespace strata {
namespace {

constexpr uint64_t kMaxTokenAnswer = 1 << 20;
constexpr std::chrono::seconds kDefaultLifetime{60};  // the distribution spec's default

// Gives the token server the Basic credentials; a 401 from it stands.
class FixedAuthorizer final : public net::Authorizer {
 public:
  explicit FixedAuthorizer(std::string header) : header_(std::move(header)) {}
  Result<std::string> header_for(const std::string&) override { return header_; }
  Result<bool> on_unauthorized(const std::string&, const net::HttpResponse&) override {
    return false;
  }

 private:
  std::string header_;
};

// "service=…&scope=…", the parameters both token requests carry. A challenge may ask for
// several scopes at once (space-separated): the GET gives each its own scope parameter, the
// OAuth2 POST keeps them in one, space-separated, as the token spec says.
std::string service_and_scope(const TokenRequest& request, bool one_scope_parameter) {
  std::vector<std::string> params;
  if (!request.service.empty()) params.push_back("service=" + percent_encode(request.service));
  if (one_scope_parameter) {
    if (!request.scope.empty()) params.push_back("scope=" + percent_encode(request.scope));
  } else {
    std::string_view scopes = request.scope;
    for (size_t start = 0; start < scopes.size();) {
      size_t end = std::min(scopes.find(' ', start), scopes.size());
      if (end > start)
        params.push_back("scope=" + percent_encode(scopes.substr(start, end - start)));
      start = end + 1;
    }
  }
  std::string joined;
  for (const auto& param : params) joined += (joined.empty() ? "" : "&") + param;
  return joined;
}

net::HttpRequest get_request(const TokenRequest& request) {
  std::string query = service_and_scope(request, false);
  if (!basic_header(request.credentials).empty()) {
    query += (query.empty() ? "" : "&") + std::string("account=") +
             percent_encode(request.credentials->username);
  }
  net::HttpRequest http_request;
  http_request.url = request.realm;
  if (!query.empty()) {
    http_request.url += (request.realm.find('?') == std::string::npos ? "?" : "&") + query;
  }
  return http_request;
}

net::HttpRequest post_request(const TokenRequest& request) {
  std::string body = "grant_type=refresh_token&refresh_token=" +
                     percent_encode(request.credentials->identity_token) + "&client_id=strata";
  if (std::string params = service_and_scope(request, true); !params.empty()) body += "&" + params;
  net::HttpRequest http_request;
  http_request.method = "POST";
  http_request.url = request.realm;
  http_request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  http_request.body = std::move(body);
  return http_request;
}

// The token answer's fields; errors never quote the body.
Result<BearerToken> parse_token_answer(const std::string& body) {
  auto answer = nlohmann::json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) return fail("an answer that is not JSON");
  BearerToken token;
  for (const char* field : {"access_token", "token"}) {
    auto it = answer.find(field);
    if (it != answer.end() && it->is_string() && !it->get<std::string>().empty()) {
      token.value = it->get<std::string>();
      break;
    }
  }
  if (token.value.empty()) return fail("an answer without a token");
  token.expires_in = kDefaultLifetime;
  if (auto it = answer.find("expires_in"); it != answer.end() && it->is_number()) {
    auto seconds = it->get<double>();
    if (seconds >= 1) token.expires_in = std::chrono::seconds(static_cast<int64_t>(seconds));
  }
  return token;
}

}  // namespace

std::string credentials_note(const Credentials* credentials) {
  if (credentials == nullptr) return "anonymous";
  return "credentials from " + credentials->origin;
}

std::string basic_header(const Credentials* credentials) {
  if (credentials == nullptr || credentials->username.empty() || credentials->password.empty()) {
    return "";
  }
  return "Basic " + base64_encode(credentials->username + ":" + credentials->password);
}

Result<BearerToken> fetch_token(net::HttpClient& http, const TokenRequest& request) {
  std::string server =
      "registry " + request.registry + ": token server " + net::url_for_messages(request.realm);
  if (!request.realm.starts_with("https://") && !request.realm.starts_with("http://")) {
    return fail(server + ": the realm is not an http(s) URL");
  }
  bool refresh = request.credentials != nullptr && !request.credentials->identity_token.empty();
  auto http_request = refresh ? post_request(request) : get_request(request);
  FixedAuthorizer basic(refresh ? "" : basic_header(request.credentials));
  if (!refresh && request.credentials != nullptr) http_request.auth = &basic;
  auto answer = http.fetch(http_request, kMaxTokenAnswer);
  if (!answer) return fail(answer.error().with_context("registry " + request.registry));
  const auto& [response, body] = *answer;
  std::string what = request.scope.empty() ? "the registry" : request.scope;
  if (response.status != 200) {
    return fail(server + " answered " + std::to_string(response.status) + " for " + what + " (" +
                credentials_note(request.credentials) + ")");
  }
  auto token = parse_token_answer(body);
  if (!token) {
    return fail(server + " gave " + token.error().message + " for " + what + " (" +
                credentials_note(request.credentials) + ")");
  }
  return token;
}

}  // namespace strata
