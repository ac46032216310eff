#include "json_strings.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "strata/image/image_config.hpp"

namespace strata {
namespace image_detail {
namespace {

using json = nlohmann::json;

// Field names of the documents strata reads (image config, docker v1 json, manifest, index,
// descriptor, in-toto statement, SLSA provenance). A string under any other key sits in a map
// whose keys the image's author chose (Labels, annotations, build-arg:NAME in provenance), so
// its key is context a generic rule needs ("db_password: hunter2").
const std::set<std::string, std::less<>>& schema_keys() {
  static const std::set<std::string, std::less<>> keys = {
      // image config and docker's v1 json
      "architecture", "os", "os.version", "os.features", "variant", "created", "author", "config",
      "container_config", "container", "docker_version", "rootfs", "history", "comment", "id",
      "parent", "Size", "type", "diff_ids", "created_by", "empty_layer",
      "moby.buildkit.buildinfo.v1", "Hostname", "Domainname", "User", "ExposedPorts", "Env", "Cmd",
      "Entrypoint", "Healthcheck", "Test", "Volumes", "WorkingDir", "Labels", "StopSignal", "Shell",
      "OnBuild", "Image", "MacAddress", "ArgsEscaped",
      // manifest, index, descriptor
      "schemaVersion", "mediaType", "artifactType", "layers", "manifests", "subject", "annotations",
      "digest", "size", "urls", "platform", "features", "data",
      // in-toto statement and SLSA provenance
      "_type", "predicateType", "predicate", "name", "sha256", "builder", "buildType", "invocation",
      "configSource", "uri", "entryPoint", "parameters", "frontend", "source", "environment",
      "materials", "metadata", "buildInvocationID", "buildStartedOn", "buildFinishedOn",
      "completeness", "reproducible", "locality", "mode"};
  return keys;
}

bool is_user_map_key(std::string_view key) {
  return key == "Labels" || key == "labels" || key == "annotations" || key == "Annotations";
}

struct Pending {
  const json* node;
  std::string path;
  std::string key;           // the member name when the node is an object member
  bool keyed = false;        // the node is an object member
  bool in_user_map = false;  // the parent object is a Labels/annotations map
  int depth = 0;
};

// Past this depth locations stop growing ("a[0]…"), so a hostile nesting costs linear time.
constexpr int kMaxLocationDepth = 64;

std::string child_path(const Pending& parent, const std::string& step, bool member) {
  if (parent.depth > kMaxLocationDepth) return parent.path;
  if (parent.depth == kMaxLocationDepth) return parent.path + "…";
  if (!member) return parent.path + step;
  return parent.path.empty() ? step : parent.path + "." + step;
}

// nlohmann's message without its "[json.exception…]" tag and without the "last read: '…'"
// excerpt, which may hold a secret.
std::string describe_parse_error(const json::parse_error& e) {
  std::string what = e.what();
  if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
  if (auto lr = what.find("; last read: "); lr != std::string::npos) {
    auto expected = what.find("; expected ", lr);
    what.erase(lr, expected == std::string::npos ? std::string::npos : expected - lr);
  }
  return what;
}

}  // namespace

Result<json> parse_json(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    return fail("invalid JSON: " + describe_parse_error(e) + " at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return fail("invalid JSON");
  }
}

// Iterative, so a hostile nesting depth cannot overflow the stack.
void collect_strings(const json& doc, const std::string& prefix, std::vector<ConfigString>& out) {
  std::vector<Pending> stack;
  stack.push_back({&doc, prefix, "", false, false, 0});
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    const json& node = *p.node;
    if (node.is_string()) {
      const std::string& text = node.get_ref<const std::string&>();
      out.push_back({p.path, text, std::nullopt});
      // The value alone is always reported; a value under an author-chosen key is reported a
      // second time as "<key>: <value>" at the same location, so rules that need the key
      // (password: …) can fire. Both texts hold the same secret: the scanner merges them.
      if (p.keyed && (p.in_user_map || !schema_keys().contains(p.key))) {
        out.push_back({p.path, p.key + ": " + text, std::nullopt});
      }
    } else if (node.is_object()) {
      bool user_map = p.keyed && is_user_map_key(p.key);
      size_t first = stack.size();
      for (auto it = node.begin(); it != node.end(); ++it) {
        stack.push_back(
            {&it.value(), child_path(p, it.key(), true), it.key(), true, user_map, p.depth + 1});
      }
      std::reverse(stack.begin() + first, stack.end());
    } else if (node.is_array()) {
      for (size_t i = node.size(); i-- > 0;) {
        stack.push_back({&node[i], child_path(p, "[" + std::to_string(i) + "]", false), "", false,
                         false, p.depth + 1});
      }
    }
  }
}

}  // namespace image_detail

Result<std::vector<ConfigString>> collect_json_strings(std::string_view json_text,
                                                       const std::string& prefix) {
  auto doc = image_detail::parse_json(json_text);
  if (!doc) return fail(doc.error());
  std::vector<ConfigString> out;
  image_detail::collect_strings(*doc, prefix, out);
  return out;
}

}  // namespace strata
