// Base64 (RFC 4648) for registry credentials (the "auth" field of a docker config.json, Basic
// Authorization headers) and for values stored encoded in scanned files. Decoding accepts the
// standard and the URL-safe alphabet.
//
//   auto text = base64_decode("dXNlcjpwdw==");   // "user:pw"
//   std::string header = "Basic " + base64_encode("user:pw");
//
// Thread safety: pure functions. Errors: decode gives nullopt for anything that is not
// base64 (padding is optional, as some tools leave it off).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace strata {

std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace strata
