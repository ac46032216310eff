#include "stored_reference.hpp"

namespace strata {
namespace {

// "sha256:<hex>" and the like: an algorithm, a colon, and no '/'.
bool is_bare_digest(const std::string& text) {
  auto colon = text.find(':');
  return colon != std::string::npos && colon > 0 && text.find('/') == std::string::npos &&
         text.find('@') == std::string::npos && text.size() - colon > 32;
}

}  // namespace

Result<StoredReference> parse_stored_reference(const std::string& text) {
  StoredReference ref;
  if (is_bare_digest(text)) {
    ref.digest = text;
    return ref;
  }
  std::string name = text;
  if (auto at = name.find('@'); at != std::string::npos) {
    ref.digest = name.substr(at + 1);
    name.resize(at);
  } else {
    auto colon = name.rfind(':');
    auto slash = name.rfind('/');
    bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    ref.tag = tagged ? name.substr(colon + 1) : "latest";
    if (tagged) name.resize(colon);
  }
  auto slash = name.find('/');
  bool named = slash != std::string::npos && slash > 0 && slash + 1 < name.size();
  if (!named || (ref.tag.empty() && ref.digest.empty())) {
    return fail("image reference \"" + text +
                "\": expected registry/repository:tag, registry/repository@digest or a manifest "
                "digest");
  }
  ref.registry = name.substr(0, slash);
  ref.repository = name.substr(slash + 1);
  return ref;
}

std::string stored_reference_text(const std::string& registry, const std::string& repository,
                                  const std::string& tag, const std::string& digest) {
  std::string name = registry.empty() ? repository : registry + "/" + repository;
  return tag.empty() ? name + "@" + digest : name + ":" + tag;
}

}  // namespace strata
