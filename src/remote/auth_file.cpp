#include "auth_file.hpp"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "ascii.hpp"
#include "quoted.hpp"
#include "strata/core/base64.hpp"
#include "strata/core/unique_fd.hpp"

namespace strata {
namespace {

using nlohmann::json;

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerHubKey = "https://index.docker.io/v1/";
constexpr std::array<std::string_view, 3> kDockerHubHosts = {"docker.io", "index.docker.io",
                                                             "registry-1.docker.io"};
constexpr size_t kMaxFileSize = 16 << 20;

// The host[:port] a key written as a URL names; nullopt for a plain key.
std::optional<std::string> url_key_host(std::string_view key) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (ascii_lower(key.substr(0, scheme.size())) == scheme) {
      auto rest = key.substr(scheme.size());
      return ascii_lower(rest.substr(0, rest.find('/')));
    }
  }
  return std::nullopt;
}

std::string display_path_of(const std::string& path) {
  const char* home = std::getenv("HOME");
  std::string_view prefix = home != nullptr ? home : "";
  while (prefix.size() > 1 && prefix.ends_with('/')) prefix.remove_suffix(1);
  if (prefix.size() > 1 && path.starts_with(prefix) && path[prefix.size()] == '/') {
    return "~" + path.substr(prefix.size());
  }
  return path;
}

// "line L, column C" of a byte offset: where the JSON parser stopped, without quoting the
// text there (it may be a password).
std::string position_of(std::string_view text, size_t byte) {
  byte = std::min(byte, text.size());
  auto before = text.substr(0, byte);
  size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  size_t line_start = before.rfind('\n');
  size_t column = line_start == std::string_view::npos ? byte : byte - line_start - 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column + 1);
}

Result<std::string> string_field(const json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail(where + "." + name + " is not a string");
  return it->get<std::string>();
}

Result<AuthEntry> parse_entry(const json& value, const std::string& where) {
  if (!value.is_object()) return fail(where + " is not an object");
  AuthEntry entry;
  std::pair<const char*, std::string*> fields[] = {{"auth", &entry.auth},
                                                   {"username", &entry.username},
                                                   {"password", &entry.password},
                                                   {"identitytoken", &entry.identity_token}};
  for (auto [name, target] : fields) {
    auto text = string_field(value, name, where);
    if (!text) return fail(text.error());
    *target = std::move(*text);
  }
  return entry;
}

Status parse_auths(const json& top, AuthFile& file) {
  auto it = top.find("auths");
  if (it == top.end() || it->is_null()) return {};
  if (!it->is_object()) return fail("\"auths\" is not an object");
  for (const auto& [key, value] : it->items()) {
    auto entry = parse_entry(value, "auths[" + quoted(key, 100) + "]");
    if (!entry) return fail(entry.error());
    file.auths.emplace_back(key, std::move(*entry));
  }
  return {};
}

Status parse_helpers(const json& top, AuthFile& file) {
  if (auto it = top.find("credHelpers"); it != top.end() && !it->is_null()) {
    if (!it->is_object()) return fail("\"credHelpers\" is not an object");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return fail("credHelpers[" + quoted(key, 100) + "] is not a string");
      file.cred_helpers.emplace_back(key, value.get<std::string>());
    }
  }
  auto store = string_field(top, "credsStore", "the file");
  if (!store) return fail("\"credsStore\" is not a string");
  file.creds_store = std::move(*store);
  return {};
}

}  // namespace

bool registry_key_matches(std::string_view key, std::string_view registry, bool exact) {
  bool docker_hub = registry == kDockerHub;
  if (exact) return key == registry || (docker_hub && key == kDockerHubKey);
  // A plain key with a path is scoped to a namespace (containers-auth.json): not for a whole
  // registry.
  auto host = url_key_host(key);
  if (!host) {
    if (key.find('/') != std::string_view::npos) return false;
    host = ascii_lower(key);
  }
  if (docker_hub) {
    return std::find(kDockerHubHosts.begin(), kDockerHubHosts.end(), *host) !=
           kDockerHubHosts.end();
  }
  return *host == ascii_lower(registry);
}

std::string helper_server_url(std::string_view registry) {
  return std::string(registry == kDockerHub ? kDockerHubKey : registry);
}

Result<AuthFile> parse_auth_file(std::string_view text, std::string display_path) {
  AuthFile file;
  file.display_path = std::move(display_path);
  auto in_file = [&](const Error& e) { return fail(e.with_context(file.display_path)); };
  json top;
  try {
    top = json::parse(text);
  } catch (const json::parse_error& e) {
    return in_file(Error{"not valid JSON (" + position_of(text, e.byte) + ")"});
  } catch (const json::exception&) {
    return in_file(Error{"not valid JSON"});
  }
  if (!top.is_object()) return in_file(Error{"not a JSON object"});
  if (auto ok = parse_auths(top, file); !ok) return in_file(ok.error());
  if (auto ok = parse_helpers(top, file); !ok) return in_file(ok.error());
  return file;
}

Result<std::optional<AuthFile>> read_auth_file(const std::string& path) {
  std::string display = display_path_of(path);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<AuthFile>();
    return fail(display + ": cannot open: " + std::strerror(errno));
  }
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(display + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxFileSize) return fail(display + ": larger than 16 MiB");
  }
  auto file = parse_auth_file(text, display);
  if (!file) return fail(file.error());
  return std::optional<AuthFile>(std::move(*file));
}

Result<std::optional<Credentials>> entry_credentials(const AuthEntry& entry, const std::string& key,
                                                     const AuthFile& file) {
  Credentials creds;
  creds.origin = file.display_path;
  if (!entry.auth.empty()) {
    auto decoded = base64_decode(entry.auth);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return fail(file.display_path + ": auths[" + quoted(key, 100) +
                  "].auth is not base64 of \"user:password\"");
    }
    creds.username = decoded->substr(0, colon);
    creds.password = decoded->substr(colon + 1);
  } else {
    creds.username = entry.username;
    creds.password = entry.password;
  }
  if (!entry.identity_token.empty()) {
    creds.identity_token = entry.identity_token;
    creds.password.clear();
    return creds;
  }
  if (creds.username.empty() && creds.password.empty()) return std::optional<Credentials>();
  return creds;
}

}  // namespace strata
