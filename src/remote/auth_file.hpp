// AuthFile: a docker config.json or a containers auth.json, as far as registry credentials go:
// "auths" (auth = base64 "user:password", or username/password, or identitytoken),
// "credHelpers" (registry -> helper name) and "credsStore" (the default helper).
//
//   auto file = read_auth_file("/home/u/.docker/config.json");  // nullopt: no such file
//   if (auto* entry = find_for_registry((*file)->auths, "ghcr.io")) ...
//
// Keys match a registry exactly ("host:port") or as URLs ("https://host/v1/" names host);
// docker.io also answers to its historic keys ("https://index.docker.io/v1/", index.docker.io).
//
// Errors name the file and the field that is wrong, never a value from the file.
// Thread safety: plain values and pure functions (read_auth_file reads the file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/remote/credentials.hpp"

namespace strata {

struct AuthEntry {
  std::string auth;  // base64 "user:password", as written
  std::string username;
  std::string password;
  std::string identity_token;
};

struct AuthFile {
  std::string display_path;  // the path with $HOME written as "~", for messages
  std::vector<std::pair<std::string, AuthEntry>> auths;
  std::vector<std::pair<std::string, std::string>> cred_helpers;
  std::string creds_store;
};

// nullopt when the file does not exist; an error when it cannot be read or parsed.
[[nodiscard]] Result<std::optional<AuthFile>> read_auth_file(const std::string& path);
// Parses the text of a file, named `display_path` in errors.
[[nodiscard]] Result<AuthFile> parse_auth_file(std::string_view text, std::string display_path);

// The credentials an auths entry holds, or nullopt when it holds none ({} placeholders that
// docker writes next to a credsStore). Errors: an "auth" that is not base64 "user:password".
[[nodiscard]] Result<std::optional<Credentials>> entry_credentials(const AuthEntry& entry,
                                                                   const std::string& key,
                                                                   const AuthFile& file);

// The value whose key names `registry`: an exact key first, then keys written as URLs or
// historic docker.io names. nullptr when none does.
template <class T>
const T* find_for_registry(const std::vector<std::pair<std::string, T>>& entries,
                           std::string_view registry, std::string* matched_key = nullptr);

// Whether `key` names `registry`; `exact` asks for the key as docker writes it.
bool registry_key_matches(std::string_view key, std::string_view registry, bool exact);

// What a credential helper is asked for: "https://index.docker.io/v1/" for docker.io (as docker
// asks), else the registry itself.
std::string helper_server_url(std::string_view registry);

template <class T>
const T* find_for_registry(const std::vector<std::pair<std::string, T>>& entries,
                           std::string_view registry, std::string* matched_key) {
  for (bool exact : {true, false}) {
    for (const auto& [key, value] : entries) {
      if (!registry_key_matches(key, registry, exact)) continue;
      if (matched_key != nullptr) *matched_key = key;
      return &value;
    }
  }
  return nullptr;
}

}  // namespace strata
