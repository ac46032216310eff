#include "strata/remote/registry_catalog.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "registry_repository.hpp"
#include "strata/core/limits.hpp"
#include "strata/net/http_client.hpp"
#include "strata/remote/registry_auth.hpp"

namespace strata {
namespace {

// A registry that pages forever (or a loop of Link headers) stops here.
constexpr size_t kMaxPages = 100000;

// "https://host:5000/v2/x?y" -> "https://host:5000"
std::string origin_of(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Whether one link's parameters (after the <url>) say rel="next" (rel may list several).
bool is_next(std::string_view params) {
  for (size_t at = params.find("rel="); at != std::string_view::npos;
       at = params.find("rel=", at + 4)) {
    std::string_view value = params.substr(at + 4);
    value = value.substr(0, value.find(';'));
    std::string rels = trim(value);
    if (rels.size() >= 2 && rels.front() == '"') rels = rels.substr(1, rels.size() - 2);
    for (size_t start = 0; start <= rels.size();) {
      size_t end = rels.find(' ', start);
      if (rels.substr(start, end - start) == "next") return true;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return false;
}

Result<std::vector<std::string>> names_in(const std::string& body, const std::string& key,
                                          const std::string& url) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return fail(url + ": not a JSON object");
  std::vector<std::string> names;
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return names;  // an empty repository lists null tags
  if (!it->is_array()) return fail(url + ": '" + key + "' is not a list");
  for (const auto& name : *it) {
    if (!name.is_string()) return fail(url + ": '" + key + "' holds a non-string");
    names.push_back(name.get<std::string>());
  }
  return names;
}

}  // namespace

std::optional<std::string> next_page_url(std::string_view link_header,
                                         const std::string& request_url) {
  // Several links may come in one header, comma-separated: <a>; rel="x", <b>; rel="next".
  for (size_t open = link_header.find('<'); open != std::string_view::npos;
       open = link_header.find('<', open + 1)) {
    size_t close = link_header.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    size_t end = link_header.find(", <", close);
    std::string_view params = link_header.substr(
        close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1);
    if (!is_next(params)) continue;
    std::string target(link_header.substr(open + 1, close - open - 1));
    if (target.starts_with("http://") || target.starts_with("https://")) return target;
    if (target.starts_with("/")) return origin_of(request_url) + target;
    return std::nullopt;  // a relative path without '/': no registry sends one
  }
  return std::nullopt;
}

RegistryCatalog::~RegistryCatalog() = default;

Result<std::unique_ptr<RegistryCatalog>> RegistryCatalog::connect(const std::string& registry,
                                                                  const RemoteOptions& options,
                                                                  size_t page_size) {
  auto ref = ImageReference::parse(registry + "/catalog-probe");
  if (!ref) return fail("registry " + registry + ": not a registry name");
  auto credentials = find_credentials(ref->registry, options.credentials);
  if (!credentials) return fail(credentials.error());
  std::unique_ptr<RegistryCatalog> catalog(new RegistryCatalog());
  catalog->http_ = std::make_unique<net::HttpClient>(net::HttpOptions{
      .ca_file = options.ca_file, .retries = options.retries, .timeout = options.timeout});
  catalog->auth_ = std::make_unique<RegistryAuth>(*catalog->http_, ref->registry, *credentials);
  catalog->origin_ = registry_scheme(*ref, options) + "://" + ref->api_host();
  catalog->page_size_ = std::max<size_t>(page_size, 1);
  return catalog;
}

Result<std::vector<std::string>> RegistryCatalog::list(const std::string& path,
                                                       const std::string& key) {
  std::vector<std::string> all;
  std::set<std::string> seen;
  for (std::string url = origin_ + path; !url.empty();) {
    if (seen.size() >= kMaxPages || !seen.insert(url).second) {
      return fail(origin_ + path + ": the registry's pages do not end (a Link loop?)");
    }
    net::HttpRequest request{.url = url, .auth = auth_.get()};
    auto answer = http_->fetch(request, ScanLimits{}.max_json_bytes);
    if (!answer) return fail(answer.error());
    auto& [response, body] = *answer;
    if (response.status != 200) return fail(net::describe_status(request, response, body));
    auto names = names_in(body, key, url);
    if (!names) return fail(names.error());
    all.insert(all.end(), names->begin(), names->end());
    std::optional<std::string> link = response.header("link");
    url = link ? next_page_url(*link, url).value_or("") : "";
    if (!url.empty() && origin_of(url) != origin_) {
      return fail(origin_ + path + ": a page link leads to another host: " + origin_of(url));
    }
  }
  return all;
}

Result<std::vector<std::string>> RegistryCatalog::repositories() {
  auth_->set_scope("registry:catalog:*");
  auto repos = list("/v2/_catalog?n=" + std::to_string(page_size_), "repositories");
  if (!repos) {
    return fail(repos.error().with_context(
        "listing the registry's repositories (registries without a catalog, such as Docker "
        "Hub and GHCR, need --images-from)"));
  }
  return repos;
}

Result<std::vector<std::string>> RegistryCatalog::tags(const std::string& repository) {
  auth_->set_scope("repository:" + repository + ":pull");
  auto tags = list("/v2/" + repository + "/tags/list?n=" + std::to_string(page_size_), "tags");
  if (!tags) return fail(tags.error().with_context("listing the tags of " + repository));
  return tags;
}

}  // namespace strata
