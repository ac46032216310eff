// Fuzzes the one manifest walker registries and OCI layouts share (images_from_root): indexes
// nested up to depth 4, Docker v2 and OCI manifests, attestation manifests, configs.
// Input: documents separated by NUL bytes. The first byte picks the root's media type (index
// or manifest), the first document is the root; every document read through the store is
// served by digest when one matches, else the next document in turn (a fuzzer cannot forge
// SHA-256, and the store is what checks digests).
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "fuzz_input.hpp"
#include "strata/source/manifest_store.hpp"

namespace {

class MemoryStore final : public strata::ManifestStore {
 public:
  explicit MemoryStore(std::vector<std::string> docs) : docs_(std::move(docs)) {
    for (const auto& doc : docs_) by_digest_[strata::sha256_of(doc).str()] = doc;
  }
  strata::Result<std::string> read_json(const strata::BlobDescriptor& descriptor,
                                        const std::string& what) override {
    if (++reads_ > 64) return strata::fail(what + ": too many reads");
    if (auto it = by_digest_.find(descriptor.digest.str()); it != by_digest_.end()) {
      return it->second;
    }
    return docs_[reads_ % docs_.size()];
  }

 private:
  std::vector<std::string> docs_;
  std::map<std::string, std::string> by_digest_;
  size_t reads_ = 0;
};

class NoBytes final : public strata::Layer {
 public:
  using Layer::Layer;
  strata::Result<std::unique_ptr<strata::ByteStream>> compressed() const override {
    return strata::fail("not read by this harness");
  }
};

std::vector<std::string> split_documents(std::string_view text) {
  std::vector<std::string> docs;
  for (size_t start = 0;;) {
    size_t end = text.find('\0', start);
    docs.emplace_back(text.substr(start, end == text.npos ? text.npos : end - start));
    if (end == text.npos) return docs;
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (256 << 10)) return -1;
  auto docs = split_documents(fuzz::as_text(data + 1, size - 1));
  strata::RootDocument root;
  root.descriptor.media_type = (data[0] & 1) ? "application/vnd.oci.image.manifest.v1+json"
                                             : "application/vnd.oci.image.index.v1+json";
  root.descriptor.digest = strata::sha256_of(docs[0]);
  root.descriptor.size = static_cast<int64_t>(docs[0].size());
  root.text = docs[0];
  root.names = {"registry.example/app:1"};
  MemoryStore store(docs);
  auto make_layer = [](const strata::BlobDescriptor& d) -> std::shared_ptr<const strata::Layer> {
    return std::make_shared<NoBytes>(d);
  };
  auto images = strata::images_from_root(store, root, "fuzz", {}, make_layer);
  (void)images;
  return 0;
}
