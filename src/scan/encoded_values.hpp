// Values stored encoded inside secret files, decoded so the rules can see them: base64
// `auth` fields of a Docker config.json (user:password), the base64 `data` of a Kubernetes
// Secret, and git's zlib-compressed loose objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct EncodedValue {
  std::string label;    // "auths.registry.example.com.auth", "data.password"
  std::string decoded;  // the decoded bytes
  uint64_t offset = 0;  // where the encoded value starts in the file
};

// "auth": "<base64 of user:password>" entries of a Docker config.json.
std::vector<EncodedValue> docker_config_auths(std::string_view json);

// `key: <base64>` entries under a top-level `data:` of a Kubernetes Secret manifest.
std::vector<EncodedValue> kubernetes_secret_data(std::string_view yaml);

// Inflates a git loose object (zlib), at most max_bytes of output; nullopt if it is not one.
std::optional<std::string> inflate_git_object(std::string_view compressed, size_t max_bytes);

}  // namespace strata
