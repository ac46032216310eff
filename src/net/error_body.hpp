// What an error response's body says, for messages: the registry's
// {"errors":[{"code","message"}]} or the Docker Engine API's {"message"}.
//
//   describe_error_body(R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})")
//     == "BLOB_UNKNOWN: blob unknown"
//
// Returns "" when the body is not one of these; long texts are cut. Thread safety: pure.
#pragma once

#include <string>
#include <string_view>

namespace strata::net {

std::string describe_error_body(std::string_view body);

}  // namespace strata::net
