// Offline checks of secrets that carry structure: JWTs (RFC 7519) and base64-encoded JSON
// (see secret_validator.hpp). The decoded text never leaves this file.
#include "structured_secret.hpp"

#include <nlohmann/json.hpp>
#include <regex>

#include "strata/core/base64.hpp"

namespace strata::match_detail {
namespace {

using nlohmann::json;

std::optional<json> json_object(std::string_view text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  return parsed;
}

std::optional<json> decoded_object(std::string_view base64) {
  std::optional<std::string> text = base64_decode(base64);
  if (!text) return std::nullopt;
  return json_object(*text);
}

// The value as the rule's regex sees it: a string as it is, anything else as JSON writes it.
std::string field_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool meets_expectations(const json& object, const std::vector<std::string>& expect) {
  for (const std::string& entry : expect) {
    size_t eq = entry.find('=');
    auto field = object.find(entry.substr(0, eq));
    if (field == object.end()) return false;
    // The loader checked that every regex compiles.
    if (!std::regex_search(field_text(*field), std::regex(entry.substr(eq + 1)))) return false;
  }
  return true;
}

}  // namespace

ValidationState check_jwt(std::string_view secret, const std::vector<std::string>& expect) {
  size_t first = secret.find('.');
  size_t second = first == std::string_view::npos ? first : secret.find('.', first + 1);
  if (second == std::string_view::npos || secret.find('.', second + 1) != std::string_view::npos) {
    return ValidationState::kInvalid;
  }
  std::optional<json> header = decoded_object(secret.substr(0, first));
  std::optional<json> claims = decoded_object(secret.substr(first + 1, second - first - 1));
  if (!header || !claims || !header->contains("alg")) return ValidationState::kInvalid;
  return meets_expectations(*claims, expect) ? ValidationState::kValid : ValidationState::kInvalid;
}

ValidationState check_base64_json(std::string_view secret, const std::vector<std::string>& expect) {
  std::optional<json> object = decoded_object(secret);
  if (!object) return ValidationState::kInvalid;
  return meets_expectations(*object, expect) ? ValidationState::kValid : ValidationState::kInvalid;
}

}  // namespace strata::match_detail
