// RegistryCatalog: what a registry holds, over the OCI distribution API's listing endpoints:
// its repositories (/v2/_catalog) and each repository's tags (/v2/<name>/tags/list), page by
// page as the registry's `Link: <…>; rel="next"` headers lead. Credentials, TLS and retries as
// for scanning (RemoteOptions); the bearer scope is registry:catalog:* for the catalog and
// repository:<name>:pull for tags.
//
//   auto catalog = RegistryCatalog::connect("127.0.0.1:5000", options);
//   auto repos = (*catalog)->repositories();           // sorted as the registry lists them
//   auto tags = (*catalog)->tags("team/app");
//
// Registries without a catalog (Docker Hub, GHCR) answer 401/404 there: the error says so and
// names --images-from. Errors name the URL and the HTTP status, never a credential.
// Thread safety: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/core/result.hpp"
#include "strata/remote/open_reference.hpp"

namespace strata {

namespace net {
class HttpClient;
}
class RegistryAuth;

class RegistryCatalog {
 public:
  // `page_size`: the `n` asked for per page (registries may send fewer).
  [[nodiscard]] static Result<std::unique_ptr<RegistryCatalog>> connect(
      const std::string& registry, const RemoteOptions& options, size_t page_size = 1000);
  ~RegistryCatalog();

  [[nodiscard]] Result<std::vector<std::string>> repositories();
  [[nodiscard]] Result<std::vector<std::string>> tags(const std::string& repository);

 private:
  RegistryCatalog() = default;
  // Every page's `key` array, from `path` on.
  Result<std::vector<std::string>> list(const std::string& path, const std::string& key);

  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<RegistryAuth> auth_;
  std::string origin_;  // "https://host:port"
  size_t page_size_ = 1000;
};

// The URL of a `Link` header's rel="next" target, resolved against `request_url` (registries
// send "</v2/_catalog?last=x&n=100>; rel=\"next\""); nullopt when the header names none.
std::optional<std::string> next_page_url(std::string_view link_header,
                                         const std::string& request_url);

}  // namespace strata
