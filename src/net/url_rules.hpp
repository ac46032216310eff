// URL rules for redirects followed by hand: where a Location points, and whether two URLs share
// an origin (scheme, host, port), which decides whether credentials may go along.
//
//   auto next = resolve_location("http://a:5000/v2/x/blobs/y", "/store/y?sig=…");
//   bool send_auth = same_origin(request.url, *next);
//
// Uses curl's URL parser (curl_url), so both agree with what curl will connect to.
// Thread safety: pure functions. Errors name the URL without its query string.
#pragma once

#include <string>

#include "strata/core/result.hpp"

namespace strata::net {

// `location` (absolute, or relative to `base`) as an absolute http/https URL.
[[nodiscard]] Result<std::string> resolve_location(const std::string& base,
                                                   const std::string& location);

// Whether both URLs have the same scheme, host and port (default ports filled in; host names
// compared case-insensitively). False when either does not parse.
bool same_origin(const std::string& a, const std::string& b);

}  // namespace strata::net
