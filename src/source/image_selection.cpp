#include "image_selection.hpp"

#include <set>

namespace strata {
namespace {

// "docker.io/library/app:1" -> "app:1": the short and long forms name the same image.
std::string canonical(std::string name) {
  for (const char* prefix : {"docker.io/library/", "index.docker.io/library/", "docker.io/"}) {
    if (name.starts_with(prefix)) return name.substr(std::string(prefix).size());
  }
  return name;
}

// The repository part: drops "@digest" and a ":tag" after the last "/" (a ":" before it is a
// registry port).
std::string repository_of(const std::string& name) {
  std::string s = name.substr(0, name.find('@'));
  auto colon = s.rfind(':');
  auto slash = s.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    s.resize(colon);
  }
  return s;
}

bool has_tag_or_digest(const std::string& filter) { return repository_of(filter) != filter; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(nothing)" : out;
}

// Keeps the non-attestation images `keep` says yes to, and the attestations describing them.
std::vector<ListedImage> keep_with_attestations(std::vector<ListedImage> listed, auto keep) {
  std::set<std::string> kept_manifests;
  bool any_kept = false;
  std::vector<bool> keep_flags(listed.size(), false);
  for (size_t i = 0; i < listed.size(); ++i) {
    if (listed[i].image.is_attestation || !keep(listed[i])) continue;
    keep_flags[i] = true;
    any_kept = true;
    kept_manifests.insert(listed[i].image.manifest_digest.str());
  }
  std::vector<ListedImage> out;
  for (size_t i = 0; i < listed.size(); ++i) {
    const ListedImage& l = listed[i];
    bool attestation_kept = l.image.is_attestation && any_kept &&
                            (!l.describes || kept_manifests.contains(l.describes->str()));
    if (keep_flags[i] || attestation_kept) out.push_back(std::move(listed[i]));
  }
  return out;
}

bool has_non_attestation(const std::vector<ListedImage>& listed) {
  for (const auto& l : listed) {
    if (!l.image.is_attestation) return true;
  }
  return false;
}

}  // namespace

bool image_name_matches(const std::string& name, const std::string& filter) {
  std::string n = canonical(name), f = canonical(filter);
  if (n == f) return true;
  return !has_tag_or_digest(f) && repository_of(n) == f;
}

Result<std::vector<Image>> select_images(std::vector<ListedImage> listed,
                                         const SourceOptions& options, const std::string& source) {
  if (options.image_filter) {
    const std::string& filter = *options.image_filter;
    std::vector<std::string> held;
    for (const auto& l : listed) {
      if (l.image.is_attestation) continue;
      if (l.names.empty()) held.push_back(l.image.reference);
      for (const auto& n : l.names) held.push_back(n);
    }
    listed = keep_with_attestations(std::move(listed), [&](const ListedImage& l) {
      for (const auto& n : l.names) {
        if (image_name_matches(n, filter)) return true;
      }
      return l.names.empty() && l.image.reference == filter;
    });
    if (!has_non_attestation(listed)) {
      return fail("no image named " + filter + " in " + source + "; it holds: " + join(held));
    }
  }
  if (options.platform) {
    const Platform& wanted = *options.platform;
    std::vector<std::string> held;
    for (const auto& l : listed) {
      if (l.image.is_attestation) continue;
      std::string p = l.image.platform.str();
      if (std::find(held.begin(), held.end(), p) == held.end()) held.push_back(p);
    }
    listed = keep_with_attestations(
        std::move(listed), [&](const ListedImage& l) { return l.image.platform.matches(wanted); });
    if (!has_non_attestation(listed)) {
      return fail("no image for platform " + wanted.str() + " in " + source +
                  "; it holds: " + join(held));
    }
  }
  std::vector<Image> out;
  out.reserve(listed.size());
  for (auto& l : listed) out.push_back(std::move(l.image));
  return out;
}

}  // namespace strata
