#include "oci_layout_reader.hpp"

#include "manifest_walker.hpp"
#include "strata/core/limits.hpp"

namespace strata {
namespace {

// Documents are the layout's blobs/<algorithm>/<hex> files.
class TreeStore final : public ManifestStore {
 public:
  explicit TreeStore(const FileTree& tree) : tree_(tree) {}
  Result<std::string> read_json(const BlobDescriptor& d, const std::string& what) override {
    return read_verified_blob(tree_, d.digest, d.size, what);
  }

 private:
  const FileTree& tree_;
};

}  // namespace

Result<ImageListing> read_oci_layout(const FileTree& tree, const std::string& source) {
  if (!tree.locate("oci-layout")) return fail("not an OCI layout: oci-layout is missing");
  auto text = read_tree_file(tree, "index.json", ScanLimits{}.max_json_bytes);
  if (!text) return fail(text.error());
  auto index = parse_json_text(*text);
  if (!index) return fail(index.error().with_context("index.json"));
  TreeStore store(tree);
  ManifestWalker walker(store, source);
  if (auto walked = walker.walk_index(*index, "index.json", {}); !walked) {
    return fail(walked.error());
  }
  return walker.take();
}

}  // namespace strata
