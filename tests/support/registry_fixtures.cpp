#include "support/registry_fixtures.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "support/python_server.hpp"
#include "support/test_env.hpp"

namespace strata::test {
namespace {

// Where clients would fetch the foreign layer from: a loopback port nothing listens on.
constexpr const char* kForeignLayerUrl = "http://127.0.0.1:9/strata-test/foreign-layer.tar.gz";

struct FixtureSpec {
  const char* key;
  const char* fixture;    // file or directory under build/fixtures/real
  const char* transport;  // skopeo transport prefix
  const char* suffix;     // after the path: ":latest" for OCI layouts
  const char* reference;
  PushOptions options;
};

PushOptions with(std::string format, bool all, bool preserve_digests) {
  PushOptions o;
  o.format = std::move(format);
  o.all = all;
  o.preserve_digests = preserve_digests;
  return o;
}

const std::vector<FixtureSpec>& plain_specs() {
  static const std::vector<FixtureSpec> kSpecs = {
      // Without --preserve-digests skopeo gzips the docker-archive's plain layers, as docker
      // push does, unless the registry already holds blobs with those digests: then it reuses
      // the plain ones under the gzip label. So these go first, before the uncompressed image.
      {"v2s2", "buildah-leaky.docker.tar", "docker-archive:", "", "fixtures/leaky:v2s2",
       with("v2s2", false, false)},
      // Signed schema 1 (deprecated; clients are to refuse it): served as
      // application/vnd.docker.distribution.manifest.v1+prettyjws whatever the Accept header.
      {"schema1", "buildah-leaky.docker.tar", "docker-archive:", "", "fixtures/leaky:schema1",
       with("v2s1", false, false)},
      {"gzip", "buildah-leaky.oci-gzip", "oci:", ":latest", "fixtures/leaky:gzip", {}},
      {"zstd", "buildah-leaky.oci-zstd", "oci:", ":latest", "fixtures/leaky:zstd", {}},
      {"uncompressed",
       "buildah-leaky.oci-uncompressed",
       "oci:",
       ":latest",
       "fixtures/leaky:uncompressed",
       {}},
      // With --preserve-digests it keeps them plain and labels them tar.gzip: a real quirk.
      {"v2s2-raw-layers", "buildah-leaky.docker.tar", "docker-archive:", "",
       "fixtures/leaky:v2s2-raw-layers", with("v2s2", false, true)},
      {"multi-platform", "multi-platform.oci", "oci:", ":latest", "fixtures/multi-platform:latest",
       with("", true, true)},
  };
  return kSpecs;
}

std::string npm_token_secret() {
  std::string path = real_fixture("secrets.json");
  if (path.empty()) return "";
  nlohmann::json s = nlohmann::json::parse(read_file(path), nullptr, false);
  return s.is_object() && s.contains("NPM_TOKEN") && s["NPM_TOKEN"].is_string()
             ? s["NPM_TOKEN"].get<std::string>()
             : "";
}

// Runs make-layouts.py KIND SRC DEST ARGS...; "" or an error.
std::string make_layout(const std::string& kind, const std::string& src, const std::string& dest,
                        const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      kPython, std::string(STRATA_SOURCE_DIR) + "/tests/support/registry/make-layouts.py", kind};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {src, dest});
  CommandResult r = run_command(argv, 120);
  return r.exit_code == 0 ? "" : "make-layouts.py " + kind + " failed: " + r.output;
}

bool push_one(const RegistryServer& server, FixtureSet& set, const std::string& key,
              const std::string& source, const std::string& reference, const PushOptions& options) {
  PushResult p = server.push(source, reference, options);
  if (!p.ok || p.digest.empty()) {
    set.error = "pushing " + key + " to " + server.host() + ": " + p.output;
    return false;
  }
  set.images.push_back({key, reference, p.digest, source});
  return true;
}

// The attested and foreign images, derived from the gzip layout into `work`.
void push_derived(const RegistryServer& server, FixtureSet& set, const std::string& gzip_dir,
                  const std::string& work) {
  std::string token = npm_token_secret();
  if (token.empty()) {
    set.missing = "secrets.json (NPM_TOKEN)";
    return;
  }
  const std::string attested = work + "/attested", foreign = work + "/foreign";
  set.error = make_layout("attestation", gzip_dir, attested, {"--build-arg", "NPM_TOKEN=" + token});
  if (set.error.empty()) {
    set.error = make_layout("foreign", gzip_dir, foreign, {"--url", kForeignLayerUrl});
  }
  if (!set.error.empty()) return;
  if (!push_one(server, set, "attested", "oci:" + attested + ":latest", "fixtures/attested:latest",
                with("", true, true))) {
    return;
  }
  push_one(server, set, "foreign", "oci:" + foreign + ":latest", "fixtures/foreign:latest", {});
}

}  // namespace

const PushedImage& FixtureSet::at(const std::string& key) const {
  for (const PushedImage& img : images) {
    if (img.key == key) return img;
  }
  throw std::out_of_range("fixture set: no pushed image \"" + key + "\"");
}

FixtureSet push_fixture_set(const RegistryServer& server) {
  FixtureSet set;
  for (const FixtureSpec& spec : plain_specs()) {
    std::string path = real_fixture(spec.fixture);
    if (path.empty()) {
      set.missing = spec.fixture;
      return set;
    }
    std::string source = std::string(spec.transport) + path + spec.suffix;
    if (!push_one(server, set, spec.key, source, spec.reference, spec.options)) return set;
  }
  TempDir work;
  push_derived(server, set, real_fixture("buildah-leaky.oci-gzip"), work.path());
  return set;
}

}  // namespace strata::test
