// Offline checks of secrets with structure (rule `checksum: jwt` / `base64-json`): valid when
// the secret decodes to what the format promises and every `expect` entry ("field=regex")
// matches the decoded object's field; invalid otherwise. Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/rules/rule.hpp"

namespace strata::match_detail {

ValidationState check_jwt(std::string_view secret, const std::vector<std::string>& expect);
ValidationState check_base64_json(std::string_view secret, const std::vector<std::string>& expect);

}  // namespace strata::match_detail
