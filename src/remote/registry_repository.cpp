#include "registry_repository.hpp"

#include <nlohmann/json.hpp>

#include "strata/core/limits.hpp"

namespace strata {

const char* const kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

namespace {

// Schema 1, by its media type or, where the registry labels the manifest generically
// (application/json), by the document's own "schemaVersion": 1.
bool is_schema1(const std::string& media_type, const std::string& text) {
  if (media_type.starts_with("application/vnd.docker.distribution.manifest.v1")) return true;
  if (!media_type.empty()) return false;
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return false;
  auto version = doc.find("schemaVersion");
  return version != doc.end() && version->is_number_integer() && *version == 1;
}

// "application/vnd.oci.image.manifest.v1+json; charset=utf-8" -> the type alone; generic
// types say nothing, and the document's own mediaType decides.
std::string media_type_of(const net::HttpResponse& response, const std::string& text) {
  std::string type = response.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (!type.empty() && type != "application/json" && type != "text/plain" &&
      type != "application/octet-stream") {
    return type;
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) {
    return doc["mediaType"].get<std::string>();
  }
  return "";
}

// Whether a loopback registry answers plain HTTP: /v2/'s 200 or 401 (a TLS port answers plain
// HTTP with a 400, or not at all).
bool answers_plain_http(const ImageReference& ref, const RemoteOptions& options) {
  net::HttpClient probe({.retries = 0, .timeout = options.timeout});
  auto answer = probe.fetch({.url = "http://" + ref.api_host() + "/v2/"}, 64 << 10);
  return answer && (answer->first.status == 200 || answer->first.status == 401);
}

}  // namespace

// HTTPS, except where docker also speaks plain HTTP: --plain-http, or a loopback registry that
// answers it. Plain HTTP is asked first (an HTTPS probe would load the system CA store, ~40 ms
// before the scan starts); when it gets no registry's answer, HTTPS, so that the error a user
// sees is the TLS one (a certificate --ca-file would vouch for, say).
std::string registry_scheme(const ImageReference& ref, const RemoteOptions& options) {
  if (options.plain_http) return "http";
  if (!ref.is_loopback()) return "https";
  return answers_plain_http(ref, options) ? "http" : "https";
}

Result<std::unique_ptr<RegistryRepository>> RegistryRepository::connect(
    const ImageReference& ref, const RemoteOptions& options) {
  auto credentials = find_credentials(ref.registry, options.credentials);
  if (!credentials) return fail(credentials.error());
  std::unique_ptr<RegistryRepository> repo(new RegistryRepository());
  repo->http_ = std::make_unique<net::HttpClient>(net::HttpOptions{
      .ca_file = options.ca_file, .retries = options.retries, .timeout = options.timeout});
  repo->auth_ = std::make_unique<RegistryAuth>(*repo->http_, ref.registry, *credentials);
  repo->auth_->set_scope("repository:" + ref.repository + ":pull");
  repo->base_ = registry_scheme(ref, options) + "://" + ref.api_host() + "/v2/" + ref.repository;
  return repo;
}

Result<FetchedDocument> RegistryRepository::fetch(const std::string& url, const std::string& accept,
                                                  const std::string& what) const {
  net::HttpRequest request{.url = url, .auth = auth_.get()};
  if (!accept.empty()) request.headers.emplace_back("Accept", accept);
  auto answer = http_->fetch(request, ScanLimits{}.max_json_bytes);
  if (!answer) return fail(answer.error());
  auto& [response, body] = *answer;
  if (response.status != 200) {
    return fail(net::describe_status(request, response, body));
  }
  FetchedDocument doc;
  doc.media_type = media_type_of(response, body);
  if (is_schema1(doc.media_type, body)) {
    return fail(what +
                ": a Docker schema 1 manifest (deprecated in 2017, not supported): push "
                "the image again with a current docker, buildah or skopeo");
  }
  doc.digest = sha256_of(body);
  doc.text = std::move(body);
  return doc;
}

Result<FetchedDocument> RegistryRepository::fetch_manifest(const std::string& selector) const {
  return fetch(base_ + "/manifests/" + selector, kManifestAccept, "manifest " + selector);
}

Result<FetchedDocument> RegistryRepository::fetch_blob(const BlobDescriptor& blob) const {
  return fetch(base_ + "/blobs/" + blob.digest.str(), "", "blob " + blob.digest.str());
}

Result<std::unique_ptr<ByteStream>> RegistryRepository::open_blob(const Digest& digest) const {
  return http_->open({.url = base_ + "/blobs/" + digest.str(), .auth = auth_.get()});
}

}  // namespace strata
