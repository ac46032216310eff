#include "url_rules.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

#include "strata/net/http_client.hpp"

namespace strata::net {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::optional<std::string> part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, flags) != CURLUE_OK) return std::nullopt;
  std::string value(text);
  curl_free(text);
  return value;
}

UrlHandle parse(const std::string& url) {
  UrlHandle handle(curl_url());
  if (handle && curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    handle.reset();
  }
  return handle;
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Origin {
  std::string scheme, host, port;
  bool operator==(const Origin&) const = default;
};

std::optional<Origin> origin_of(const std::string& url) {
  UrlHandle handle = parse(url);
  if (!handle) return std::nullopt;
  auto scheme = part(handle.get(), CURLUPART_SCHEME);
  auto host = part(handle.get(), CURLUPART_HOST);
  auto port = part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return std::nullopt;
  return Origin{lower(*scheme), lower(*host), *port};
}

}  // namespace

Result<std::string> resolve_location(const std::string& base, const std::string& location) {
  UrlHandle handle = parse(base);
  if (!handle) return fail("bad URL " + url_for_messages(base));
  // Setting a URL on a handle that holds one resolves it relative to the old one.
  if (curl_url_set(handle.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) {
    return fail("bad redirect Location " + url_for_messages(location));
  }
  auto scheme = part(handle.get(), CURLUPART_SCHEME);
  auto resolved = part(handle.get(), CURLUPART_URL);
  if (!scheme || !resolved) return fail("bad redirect Location " + url_for_messages(location));
  if (lower(*scheme) != "http" && lower(*scheme) != "https") {
    return fail("redirect to a " + *scheme + " URL (only http and https are followed)");
  }
  return *resolved;
}

bool same_origin(const std::string& a, const std::string& b) {
  auto first = origin_of(a);
  auto second = origin_of(b);
  return first && second && *first == *second;
}

}  // namespace strata::net
