#include "error_body.hpp"

#include <nlohmann/json.hpp>

namespace strata::net {

namespace {

constexpr size_t kMaxTextLength = 300;  // a message, not a document

std::string text_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  std::string text = it->get<std::string>();
  if (text.size() > kMaxTextLength) text = text.substr(0, kMaxTextLength) + "…";
  return text;
}

std::string describe_registry_error(const nlohmann::json& error) {
  if (!error.is_object()) return "";
  std::string code = text_of(error, "code");
  std::string message = text_of(error, "message");
  if (code.empty() || message.empty()) return code + message;
  return code + ": " + message;
}

}  // namespace

std::string describe_error_body(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "";
  auto errors = json.find("errors");
  if (errors != json.end() && errors->is_array() && !errors->empty()) {
    return describe_registry_error(errors->front());
  }
  return text_of(json, "message");
}

}  // namespace strata::net
