#include "strata/remote/credentials.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "auth_file.hpp"
#include "credential_helper.hpp"

namespace strata {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string home_dir() {
  if (std::string home = env("HOME"); !home.empty()) return home;
  const passwd* entry = ::getpwuid(::getuid());
  return entry != nullptr && entry->pw_dir != nullptr ? entry->pw_dir : "";
}

// One file's answer: credHelpers[registry], then auths[registry], then credsStore.
Result<std::optional<Credentials>> lookup_in_file(const AuthFile& file, const std::string& registry,
                                                  std::chrono::milliseconds helper_timeout) {
  std::string server = helper_server_url(registry);
  if (const auto* helper = find_for_registry(file.cred_helpers, registry)) {
    auto creds = run_credential_helper(*helper, server, helper_timeout,
                                       "credHelpers in " + file.display_path);
    if (!creds || *creds) return creds;
  }
  std::string key;
  if (const auto* entry = find_for_registry(file.auths, registry, &key)) {
    auto creds = entry_credentials(*entry, key, file);
    if (!creds || *creds) return creds;
  }
  if (!file.creds_store.empty()) {
    return run_credential_helper(file.creds_store, server, helper_timeout,
                                 "credsStore in " + file.display_path);
  }
  return std::optional<Credentials>();
}

}  // namespace

CredentialSources CredentialSources::from_environment() {
  CredentialSources sources;
  if (std::string file = env("REGISTRY_AUTH_FILE"); !file.empty()) {
    sources.registry_auth_file = file;
  } else if (std::string runtime = env("XDG_RUNTIME_DIR"); !runtime.empty()) {
    sources.registry_auth_file = runtime + "/containers/auth.json";
  }
  if (std::string dir = env("DOCKER_CONFIG"); !dir.empty()) {
    sources.docker_config_file = dir + "/config.json";
  } else if (std::string home = home_dir(); !home.empty()) {
    sources.docker_config_file = home + "/.docker/config.json";
  }
  return sources;
}

Result<std::optional<Credentials>> find_credentials(const std::string& registry,
                                                    const CredentialSources& sources) {
  if (sources.explicit_credentials) {
    Credentials creds = *sources.explicit_credentials;
    if (creds.origin.empty()) creds.origin = "--username and --password-stdin";
    return creds;
  }
  for (const std::string& path : {sources.registry_auth_file, sources.docker_config_file}) {
    if (path.empty()) continue;
    auto file = read_auth_file(path);
    if (!file) return fail(file.error());
    if (!*file) continue;
    auto creds = lookup_in_file(**file, registry, sources.helper_timeout);
    if (!creds || *creds) return creds;
  }
  return std::optional<Credentials>();
}

}  // namespace strata
