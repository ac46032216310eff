// Test support: pushes the real fixture images (tests/support/build-real-images.sh) into a
// RegistryServer, covering what a registry source must read (issue 21, item 6):
//
//   key              reference (repo:tag)               what it is
//   gzip             fixtures/leaky:gzip                OCI manifest, gzip layers
//   zstd             fixtures/leaky:zstd                OCI manifest, zstd layers
//   uncompressed     fixtures/leaky:uncompressed        OCI manifest, plain tar layers
//   v2s2             fixtures/leaky:v2s2                Docker schema 2, gzip (from docker-archive)
//   schema1          fixtures/leaky:schema1             Docker schema 1, signed (prettyjws); its
//                                                       digest is that of the payload without
//                                                       the signatures, not of the body
//   v2s2-raw-layers  fixtures/leaky:v2s2-raw-layers     Docker schema 2 whose layers are plain tar
//                                                       labelled tar.gzip (skopeo
//                                                       --preserve-digests from docker-archive)
//   multi-platform   fixtures/multi-platform:latest     OCI index: linux/amd64 + linux/arm64
//   attested         fixtures/attested:latest          buildx-style index: the gzip image plus
//                                                       an attestation manifest (in-toto SLSA
//                                                       provenance recording NPM_TOKEN)
//   foreign          fixtures/foreign:latest            the gzip image plus a non-distributable
//                                                       layer with "urls" whose blob the registry
//                                                       does not hold (skopeo skips such layers)
//
//   STRATA_REQUIRE_REGISTRY_TOOLS(RegistryAuth::kNone);
//   RegistryServer reg;
//   FixtureSet set = push_fixture_set(reg);
//   if (!set.missing.empty()) STRATA_SKIP_OR_FAIL() << set.missing;
//   ASSERT_TRUE(set.error.empty()) << set.error;
//   const PushedImage& img = set.at("zstd");   // img.reference, img.digest
//
// The attested and foreign images are derived by tests/support/registry/make-layouts.py into a
// temporary directory. Takes about 2 s (more behind htpasswd: bcrypt per request). Not
// thread-safe with other pushes into the same repositories.
#pragma once

#include <string>
#include <vector>

#include "support/registry_server.hpp"

namespace strata::test {

struct PushedImage {
  std::string key;        // "gzip", "multi-platform", ... (table above)
  std::string reference;  // "fixtures/leaky:gzip": repo:tag, without the registry host
  std::string digest;     // the manifest (or index) digest the tag points at
  std::string source;     // the skopeo source it was pushed from
};

struct FixtureSet {
  std::vector<PushedImage> images;
  std::string missing;  // a fixture file that was not built ("" when all were there)
  std::string error;    // the first push that failed, with skopeo's output

  // The image with this key; throws std::out_of_range naming it when it was not pushed.
  const PushedImage& at(const std::string& key) const;
};

// Pushes every image of the table above (as the server's first user, if it has users), into a
// registry that holds none of these layers yet (see "v2s2" in the .cpp). Stops at the first
// missing fixture or failed push.
FixtureSet push_fixture_set(const RegistryServer& server);

}  // namespace strata::test
