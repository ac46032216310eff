// RegistryRepository: one repository of one registry over the OCI distribution API — its
// endpoint (HTTPS, or plain HTTP for --plain-http and loopback registries), its HTTP client
// and its credentials. Shared by the registry source and every layer it makes, so layers can
// outlive the source.
//
//   auto repo = RegistryRepository::connect(ref, options);
//   auto m = (*repo)->fetch_manifest("1.4");          // text, digest, media type
//   auto blob = (*repo)->open_blob(layer_digest);     // streamed, resumed on faults
//
// Errors name the URL (no query), the HTTP status and the registry's error code; never a
// credential. Thread safety: every member may be called from several threads at once.
#pragma once

#include <memory>
#include <string>

#include "strata/net/http_client.hpp"
#include "strata/remote/image_reference.hpp"
#include "strata/remote/open_reference.hpp"
#include "strata/remote/registry_auth.hpp"

namespace strata {

struct FetchedDocument {
  std::string text;
  Digest digest;           // of the bytes received
  std::string media_type;  // from Content-Type, else the document's mediaType
};

class RegistryRepository {
 public:
  [[nodiscard]] static Result<std::unique_ptr<RegistryRepository>> connect(
      const ImageReference& ref, const RemoteOptions& options);

  // A manifest or index by tag or digest, negotiated for OCI and Docker schema 2 types.
  [[nodiscard]] Result<FetchedDocument> fetch_manifest(const std::string& selector) const;
  // A small blob (a config) whole, bounded by ScanLimits::max_json_bytes.
  [[nodiscard]] Result<FetchedDocument> fetch_blob(const BlobDescriptor& blob) const;
  // A layer blob as a stream (not yet digest-checked: the caller wraps it).
  [[nodiscard]] Result<std::unique_ptr<ByteStream>> open_blob(const Digest& digest) const;

  const std::string& base_url() const { return base_; }

 private:
  RegistryRepository() = default;
  Result<FetchedDocument> fetch(const std::string& url, const std::string& accept,
                                const std::string& what) const;

  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<RegistryAuth> auth_;  // uses http_: declared after it, destroyed before it
  std::string base_;                    // "https://host/v2/team/app"
};

// "https", or "http" for --plain-http and loopback registries that answer plain HTTP.
std::string registry_scheme(const ImageReference& ref, const RemoteOptions& options);

// The media types a manifest request accepts: OCI and Docker schema 2, manifests and indexes.
extern const char* const kManifestAccept;

}  // namespace strata
